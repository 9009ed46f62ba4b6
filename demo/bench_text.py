"""
Words for benchmark stories: headlines, deks, paragraphs, names and tags, made from a
seeded random generator. Pure string work, no ORM.

Real archives are uneven: a few words, tags and writers turn up everywhere and most
rarely. Place names are invented from syllables and drawn with Zipf-like weights, so a
search for one of them matches a realistic share of the archive, not all of it.
"""

import itertools


def words(text):
    """The words of `text`: long lists stay readable as prose."""
    return text.split()


FIRST_NAMES = words(
    "Ada Amara Ben Carmen Dara Eli Farah Gus Hana Ines Jonah Kemal Lena Mateo Nia "
    "Omar Pilar Quinn Rosa Sami Tess Uma Viktor Wren Yara Zeke Priya Tomas Leila "
    "Marcus Anouk Felix Greta Hugo Iris Jamal Keiko Luca Mira Noor Otto Paz Ravi"
)
LAST_NAMES = words(
    "Abbott Baptiste Castillo Dunmore Eriksen Fairweather Gallo Hartley Ibarra "
    "Jensen Kowalski Lindqvist Moreau Nakamura Okafor Petrov Quintana Rahman "
    "Sandoval Takahashi Underwood Valdez Whitlock Xu Yilmaz Zamora Achebe Brennan "
    "Cruz Delgado Emerson Farouk Grant Halloran Ishikawa Janssen Kaur Lowell"
)
SYLLABLES = words(
    "ash bar bel bri cal cor dun el fen gar hol ing kel lan mar mor nor ost pen quay "
    "ros sal shel tam tor val wick wyn yar"
)
PLACE_ENDINGS = ["ton", "by", "ford", "haven", "field", "mouth", "wood", "point"]
TOPICS = words(
    "budget council schools housing rent transit ferry harbor seawall flood wages "
    "hospital clinic vaccine election court police library museum festival theater "
    "bridge tunnel zoning parking tax union strike port fishery wind solar heat "
    "drought storm insurance grocery bakery startup factory warehouse airport rail"
)
VERBS = words(
    "approves rejects delays weighs expands cuts funds studies reopens closes "
    "questions backs revisits doubles halves audits"
)
ADJECTIVES = words(
    "new long-awaited contested quiet sweeping modest costly overdue surprise "
    "temporary permanent local regional late-night early"
)
SENTENCES = [
    "Officials in {place} said the {topic} plan would {verb_base} by spring.",
    "Residents packed a {adjective} hearing on the {topic} question on {day}.",
    "The {topic} figures, released by the {place} office, surprised few observers.",
    "{name}, who has followed the {topic} debate for years, called it {adjective}.",
    "Neither side expected the {topic} vote in {place} to be this close.",
    "A {adjective} report found the {topic} program had run over its budget.",
    "Critics in {place} argue the {topic} money would be better spent elsewhere.",
    "Supporters say the {topic} changes will help families who rent in {place}.",
    "The council is expected to return to the {topic} proposal after the recess.",
    "“We have heard this before,” said {name}, a {topic} organizer in {place}.",
    "Data from the {topic} survey show a {adjective} shift over the last decade.",
    "Nobody at the {place} {topic} office would say when work might begin.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
VERB_BASES = ["take effect", "go to a vote", "come up for review", "be finished"]


def zipf_weights(count, exponent=1.0):
    """Cumulative weights for `count` items, the first most common."""
    return list(
        itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count))
    )


def place_names(rng, count):
    """`count` distinct invented place names: "Marwick", "Tamhaven"."""
    names = set()
    while len(names) < count:
        first, second = rng.sample(SYLLABLES, 2)
        names.add((first + second + rng.choice(PLACE_ENDINGS)).capitalize())
    return sorted(names, key=lambda name: rng.random())


def person_names(rng, count):
    """`count` distinct people's names, with a middle initial once the pairs run out."""
    pairs = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    names = pairs[:count]
    letters = "ABCDEFGHJKLMNPRSTW"
    for i in range(count - len(names)):
        first, last = pairs[i % len(pairs)].split(" ")
        names.append(f"{first} {letters[i // len(pairs) % len(letters)]}. {last}")
    return names


def tag_names(places, count):
    """`count` distinct tags: topics alone first, then topics in places."""
    names = [topic.capitalize() for topic in TOPICS]
    for place in places:
        for topic in TOPICS:
            if len(names) >= count:
                return names
            names.append(f"{place} {topic}")
    return names[:count]


class Writer:
    """Makes headlines, deks and bodies; bodies are drawn from a pool of paragraphs
    made once, so a hundred thousand of them cost little."""

    def __init__(self, rng, places, people, paragraphs=1500):
        self.rng = rng
        self.places = places
        self.place_weights = zipf_weights(len(places))
        self.people = people
        self.pool = [self.paragraph() for _ in range(paragraphs)]

    def place(self):
        return self.rng.choices(self.places, cum_weights=self.place_weights)[0]

    def sentence(self):
        rng = self.rng
        return rng.choice(SENTENCES).format(
            place=self.place(),
            topic=rng.choice(TOPICS),
            verb_base=rng.choice(VERB_BASES),
            adjective=rng.choice(ADJECTIVES),
            day=rng.choice(DAYS),
            name=rng.choice(self.people),
        )

    def paragraph(self):
        """About a hundred words."""
        return " ".join(self.sentence() for _ in range(self.rng.randint(6, 9)))

    def headline(self):
        rng = self.rng
        return (
            f"{self.place()} {rng.choice(VERBS)} {rng.choice(ADJECTIVES)} "
            f"{rng.choice(TOPICS)} plan"
        ).capitalize()

    def dek(self):
        return self.sentence()

    def body(self, paragraphs=8):
        """(html, text) of a body of `paragraphs` paragraphs, about 800 words. The
        text is what Article.save derives from such HTML (tags stripped)."""
        chosen = self.rng.sample(self.pool, paragraphs)
        return "".join(f"<p>{paragraph}</p>" for paragraph in chosen), "".join(chosen)
