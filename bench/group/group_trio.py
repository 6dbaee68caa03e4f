# A Trio nursery of 10,000 tasks; each yields to the scheduler once (the
# Trio counterpart of bench/programs/group.ys and group_asyncio.py).
import trio

total = 0


async def task(i):
    global total
    await trio.sleep(0)
    total += 1


async def main():
    async with trio.open_nursery() as nursery:
        for i in range(10000):
            nursery.start_soon(task, i)
    print(10000, total)


trio.run(main)
