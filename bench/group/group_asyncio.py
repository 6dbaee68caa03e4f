# A TaskGroup of 10,000 tasks; each yields to the event loop once (the
# asyncio counterpart of bench/programs/group.ys).
import asyncio

total = 0


async def task(i):
    global total
    await asyncio.sleep(0)
    total += 1


async def main():
    async with asyncio.TaskGroup() as g:
        for i in range(10000):
            g.create_task(task(i))
    print(10000, total)


asyncio.run(main())
