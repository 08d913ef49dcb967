# A concurrent.futures thread pool of 4 workers over many small tasks that
# share a lock-protected counter and a queue: the GIL hand-offs, the pool's
# work queue and the lock all go through futexes.
import concurrent.futures as cf, threading, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
lock = threading.Lock()
total = [0]
def task(i):
    s = 0
    for j in range(300):
        s += j * i
    with lock:
        total[0] += s
    return s
with cf.ThreadPoolExecutor(max_workers=4) as ex:
    futs = [ex.submit(task, i) for i in range(n)]
    cf.wait(futs)
print(total[0])
