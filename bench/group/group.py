# A group of 10,000 tasks; each yields to the scheduler once (the Python
# counterpart of bench/programs/group.ys). The argument picks the library,
# and only that one is imported:
#   python3 bench/group/group.py asyncio   # a TaskGroup, asyncio.sleep(0) as the yield
#   python3 bench/group/group.py trio      # a Trio nursery, trio.sleep(0) as the yield
import sys

N = 10000
total = 0


async def task(i, sleep):
    global total
    await sleep(0)
    total += 1


async def with_asyncio(asyncio):
    async with asyncio.TaskGroup() as g:
        for i in range(N):
            g.create_task(task(i, asyncio.sleep))


async def with_trio(trio):
    async with trio.open_nursery() as nursery:
        for i in range(N):
            nursery.start_soon(task, i, trio.sleep)


if sys.argv[1:] == ["asyncio"]:
    import asyncio

    asyncio.run(with_asyncio(asyncio))
elif sys.argv[1:] == ["trio"]:
    import trio

    trio.run(with_trio, trio)
else:
    sys.exit("usage: group.py asyncio|trio")
print(N, total)
