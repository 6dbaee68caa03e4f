# Process spawn-and-wait round trips with asyncio: python3 spawn_asyncio.py N [run]
# Starts `true` N times, one after another, and waits for each to exit
# (create_subprocess_exec + wait); with "run", its stdout and stderr are
# captured through pipes (communicate), as yieldscript's process.run does.
import asyncio
import sys


async def main(n, run):
    failed = 0
    for _ in range(n):
        if run:
            p = await asyncio.create_subprocess_exec(
                "true", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            await p.communicate()
        else:
            p = await asyncio.create_subprocess_exec("true")
            await p.wait()
        if p.returncode != 0:
            failed += 1
    print(n, "spawned,", failed, "failed")


asyncio.run(main(int(sys.argv[1]), len(sys.argv) > 2 and sys.argv[2] == "run"))
