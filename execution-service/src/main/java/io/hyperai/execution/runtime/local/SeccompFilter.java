package io.hyperai.execution.runtime.local;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seccomp-bpf program every local sandbox runs under (bwrap {@code --seccomp FD}): what a process jail such as
 * nsjail or Docker's default profile refuses. Debugging and memory access of other processes (ptrace,
 * process_vm_*), mounting, kernel keyrings, eBPF, userfaultfd, new namespaces (unshare, setns, clone with a
 * namespace flag), kernel modules, kexec, perf events, swap, clock and reboot calls answer EPERM; clone3 answers
 * ENOSYS so that libc falls back to clone, whose flags a classic filter can inspect. A foreign architecture or the
 * x32 ABI is refused outright. Only x86-64 is described; elsewhere {@link #forThisMachine()} is empty.
 */
public final class SeccompFilter {

    /** Refused with EPERM; x86-64 numbers from the kernel's syscall_64.tbl. */
    static final Map<String, Integer> REFUSED = Map.ofEntries(
            Map.entry("ptrace", 101), Map.entry("process_vm_readv", 310), Map.entry("process_vm_writev", 311),
            Map.entry("mount", 165), Map.entry("umount2", 166), Map.entry("pivot_root", 155),
            Map.entry("open_tree", 428), Map.entry("move_mount", 429), Map.entry("fsopen", 430),
            Map.entry("fsconfig", 431), Map.entry("fsmount", 432), Map.entry("fspick", 433),
            Map.entry("mount_setattr", 442), Map.entry("add_key", 248), Map.entry("request_key", 249),
            Map.entry("keyctl", 250), Map.entry("bpf", 321), Map.entry("userfaultfd", 323),
            Map.entry("unshare", 272), Map.entry("setns", 308), Map.entry("perf_event_open", 298),
            Map.entry("init_module", 175), Map.entry("finit_module", 313), Map.entry("delete_module", 176),
            Map.entry("kexec_load", 246), Map.entry("kexec_file_load", 320), Map.entry("swapon", 167),
            Map.entry("swapoff", 168), Map.entry("reboot", 169), Map.entry("acct", 163),
            Map.entry("syslog", 103), Map.entry("settimeofday", 164), Map.entry("clock_settime", 227),
            Map.entry("adjtimex", 159), Map.entry("clock_adjtime", 305), Map.entry("iopl", 172),
            Map.entry("ioperm", 173), Map.entry("quotactl", 179), Map.entry("open_by_handle_at", 304),
            Map.entry("name_to_handle_at", 303), Map.entry("lookup_dcookie", 212), Map.entry("vhangup", 153),
            Map.entry("personality", 135));

    private static final int CLONE = 56;
    private static final int CLONE3 = 435;
    /** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME (0x80). */
    private static final int NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
            | 0x20000000 | 0x40000000 | 0x00000080;

    private static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    private static final int X32_SYSCALL_BIT = 0x40000000;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short JGE_K = 0x35;
    private static final short JSET_K = 0x45;
    private static final short RET_K = 0x06;
    private static final int RET_ALLOW = 0x7fff0000;
    private static final int RET_ERRNO = 0x00050000;
    private static final int RET_KILL_PROCESS = 0x80000000;

    private SeccompFilter() {
    }

    /** The program for this machine's architecture, or empty where it is not described. */
    public static java.util.Optional<byte[]> forThisMachine() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) || "x86_64".equals(arch) ? java.util.Optional.of(x86_64())
                : java.util.Optional.empty();
    }

    /** A jump target resolved once the program's length is known. */
    private enum Target { ALLOW, EPERM, ENOSYS, KILL, NEXT }

    private record Insn(short code, Target jt, Target jf, int k) {
    }

    static byte[] x86_64() {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(LD_W_ABS, Target.NEXT, Target.NEXT, 4)); // seccomp_data.arch
        p.add(new Insn(JEQ_K, Target.NEXT, Target.KILL, AUDIT_ARCH_X86_64));
        p.add(new Insn(LD_W_ABS, Target.NEXT, Target.NEXT, 0)); // seccomp_data.nr
        p.add(new Insn(JGE_K, Target.KILL, Target.NEXT, X32_SYSCALL_BIT));
        for (int nr : REFUSED.values().stream().sorted().toList()) {
            p.add(new Insn(JEQ_K, Target.EPERM, Target.NEXT, nr));
        }
        p.add(new Insn(JEQ_K, Target.ENOSYS, Target.NEXT, CLONE3));
        p.add(new Insn(JEQ_K, Target.NEXT, Target.ALLOW, CLONE));
        p.add(new Insn(LD_W_ABS, Target.NEXT, Target.NEXT, 16)); // low half of args[0], the flags
        p.add(new Insn(JSET_K, Target.EPERM, Target.ALLOW, NAMESPACE_FLAGS));
        int allow = p.size();
        ByteBuffer out = ByteBuffer.allocate((p.size() + 4) * 8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < p.size(); i++) {
            Insn insn = p.get(i);
            out.putShort(insn.code());
            out.put(offset(insn.jt(), i, allow));
            out.put(offset(insn.jf(), i, allow));
            out.putInt(insn.k());
        }
        for (int ret : new int[] { RET_ALLOW, RET_ERRNO | EPERM, RET_ERRNO | ENOSYS, RET_KILL_PROCESS }) {
            out.putShort(RET_K).put((byte) 0).put((byte) 0).putInt(ret);
        }
        return out.array();
    }

    private static byte offset(Target target, int at, int allow) {
        int to = switch (target) {
            case NEXT -> at + 1;
            case ALLOW -> allow;
            case EPERM -> allow + 1;
            case ENOSYS -> allow + 2;
            case KILL -> allow + 3;
        };
        int jump = to - at - 1;
        if (jump < 0 || jump > 255) {
            throw new IllegalStateException("seccomp jump out of range: " + jump);
        }
        return (byte) jump;
    }
}
