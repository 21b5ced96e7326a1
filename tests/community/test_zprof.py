import time

from kindred.community.models import Post
from tests.community.test_views import thread_url


def test_prof(client, member, member2, space, write, settings):
    settings.DEBUG = False
    thread = write(member, space)
    Post.objects.bulk_create(
        [
            Post(
                thread=thread,
                author=member2,
                body=f"reply {i} " * 30,
                body_html=f"<p>reply {i}</p>" * 3,
            )
            for i in range(60)
        ]
    )
    client.get(thread_url(thread))
    t = time.perf_counter()
    for _ in range(30):
        client.get(thread_url(thread))
    print("anon ms", (time.perf_counter() - t) / 30 * 1000)
    client.force_login(member)
    client.get(thread_url(thread))
    t = time.perf_counter()
    for _ in range(30):
        client.get(thread_url(thread))
    print("member ms", (time.perf_counter() - t) / 30 * 1000)
