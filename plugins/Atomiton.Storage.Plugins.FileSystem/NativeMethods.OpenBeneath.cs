using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

// Linux openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (kernel 5.6+): the kernel resolves a
// relative path under an open folder and fails with ELOOP at the first symbolic link, magic link
// included, and with EXDEV on any attempt to leave the folder — one system call instead of an
// lstat per path component, and no window between the check and the open.
internal static partial class NativeMethods
{
    // errno values, identical on every Linux architecture .NET runs on.
    public const int ErrorNotPermitted = 1;
    public const int ErrorNoEntry = 2;
    public const int ErrorAccessDenied = 13;
    public const int ErrorCrossDevice = 18;
    public const int ErrorNotDirectory = 20;
    public const int ErrorIsDirectory = 21;
    public const int ErrorNameTooLong = 36;
    public const int ErrorLoop = 40;

    // open(2) flags with the same value on x86, x64, Arm, Arm64, RISC-V, LoongArch, s390x and POWER.
    public const int OpenReadOnly = 0;
    public const int OpenPathOnly = 0x200000;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>O_DIRECTORY, whose value depends on the architecture; null where this file does not know it.</summary>
    public static readonly int? OpenDirectoryOnly = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x10000,
        Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le => 0x4000,
        _ => null,
    };

    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong ResolveBeneath = 0x08;

    // openat2 arrived after the system call tables were unified: 437 on every architecture.
    private const nint OpenAt2 = 437;

    /// <summary>
    /// Opens <paramref name="path"/> as a folder handle for <see cref="OpenBeneath"/>, and checks that
    /// this kernel (and any seccomp filter in front of it) allows openat2. Null when it does not: not
    /// Linux, a kernel older than 5.6 (ENOSYS), a container that filters the call (EPERM), or the folder
    /// cannot be opened.
    /// </summary>
    public static SafeFileHandle? TryOpenForBeneathResolution(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        int fd = Open(path, OpenPathOnly | OpenCloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        var folder = new SafeFileHandle(fd, ownsHandle: true);
        if (OpenBeneath(folder, ".", OpenPathOnly, out var probe) != 0)
        {
            folder.Dispose();
            return null;
        }

        probe!.Dispose();
        return folder;
    }

    /// <summary>
    /// Opens <paramref name="relativePath"/> beneath <paramref name="folder"/> without following any
    /// symbolic link. Returns 0 and the handle, or the errno (ELOOP: a link is on the way; EXDEV: the
    /// path would leave the folder; ENOENT/ENOTDIR: nothing there).
    /// </summary>
    public static unsafe int OpenBeneath(SafeFileHandle folder, string relativePath, int flags, out SafeFileHandle? handle)
    {
        var how = new OpenHow
        {
            Flags = (ulong)(flags | OpenCloseOnExec),
            Mode = 0,
            Resolve = ResolveBeneath | ResolveNoSymlinks,
        };
        nint fd = Syscall(OpenAt2, folder, relativePath, &how, (nuint)sizeof(OpenHow));
        if (fd < 0)
        {
            handle = null;
            return Marshal.GetLastPInvokeError();
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        return 0;
    }

    /// <summary>
    /// Reads the next entries of an open folder into <paramref name="buffer"/> as <c>linux_dirent64</c>
    /// records (getdents64, glibc 2.30+): the number of bytes filled, 0 at the end, or -errno.
    /// </summary>
    /// <exception cref="EntryPointNotFoundException">The C library has no getdents64 (musl, older glibc).</exception>
    public static unsafe int ReadDirectoryEntries(SafeFileHandle folder, Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            nint read = GetDirectoryEntries64(folder, start, (nuint)buffer.Length);
            return read < 0 ? -Marshal.GetLastPInvokeError() : (int)read;
        }
    }

    /// <summary>The operating system's description of an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial nint GetDirectoryEntries64(SafeFileHandle folder, byte* buffer, nuint size);

    // glibc and musl have no openat2 wrapper: call it through syscall(2), whose register arguments
    // are the same as those of a fixed-argument call on every Linux ABI.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial nint Syscall(nint number, SafeFileHandle folder, string path, OpenHow* how, nuint size);
}
