// Four threads allocate short-lived arrays and lists into a shared,
// synchronized ring (contended monitor) while a small heap (-Xmx64m) keeps
// the GC busy: JVM monitors, GC worker hand-offs and safepoints all use
// futexes.
import java.util.ArrayList;
import java.util.List;

public class GcChurn {
    static final Object[] ring = new Object[1024];
    static long sum;

    public static void main(String[] args) throws Exception {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 200000;
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            final int id = t;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < iters; i++) {
                    List<int[]> l = new ArrayList<>();
                    for (int k = 0; k < 4; k++) l.add(new int[64 + (i % 64)]);
                    synchronized (ring) {
                        ring[(i * 4 + id) & 1023] = l;
                        sum += l.size();
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        System.out.println(sum);
    }
}
