from .copy_publish_times import Command as CopyPublishTimes


class Command(CopyPublishTimes):
    # The command's name before tags kept their story's time too: a deploy script
    # written for it still gives bylines (and now tags) their time.
    help = f"The former name of copy_publish_times. {CopyPublishTimes.help}"
