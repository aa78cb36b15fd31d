using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

// The *at(2) calls that work relative to an open folder (Linux): the engine's own files and folders
// are created, opened, renamed and deleted one name at a time beneath a folder handle with
// O_NOFOLLOW, so a link planted where one of them belongs is refused, never followed, and never
// deleted through. statx tells the kind of an opened file without following anything.
internal static partial class NativeMethods
{
    public const int ErrorNoDeviceOrAddress = 6;
    public const int ErrorTryAgain = 11;
    public const int ErrorExists = 17;
    public const int ErrorNoSpace = 28;
    public const int ErrorNotEmpty = 39;
    public const int ErrorQuota = 122;

    public const int OpenReadWrite = 2;
    public const int OpenCreate = 0x40;
    public const int OpenExclusive = 0x80;
    public const int OpenNonBlocking = 0x800;

    /// <summary>The kind of a file: the S_IFMT bits of its mode.</summary>
    public const int KindMask = 0xF000;
    public const int KindRegular = 0x8000;
    public const int KindFolder = 0x4000;
    public const int KindLink = 0xA000;

    private const int AtCurrentFolder = -100;
    private const int AtRemoveFolder = 0x200;
    private const int AtNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxInode = 0x100;
    private const int StatxSize = 256;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    /// <summary>O_NOFOLLOW, whose value depends on the architecture; null where this file does not know it.</summary>
    public static readonly int? OpenNoFollow = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x20000,
        Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le => 0x8000,
        _ => null,
    };

    /// <summary>Whether the engine's own files can be handled one name at a time beneath folder handles here (Linux, known flags).</summary>
    public static bool HandlesInternalFilesBeneath => OperatingSystem.IsLinux() && OpenNoFollow is not null && OpenDirectoryOnly is not null;

    /// <summary>Opens <paramref name="path"/> (an absolute path) with open(2); returns 0 and the handle, or the errno.</summary>
    public static int OpenPath(string path, int flags, out SafeFileHandle? handle)
    {
        int fd = Open(path, flags | OpenCloseOnExec);
        handle = fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>Opens (or with O_CREAT creates, mode 0666 less the umask) <paramref name="name"/> in <paramref name="folder"/>; 0 and the handle, or the errno.</summary>
    public static int OpenAt(SafeFileHandle folder, string name, int flags, out SafeFileHandle? handle)
    {
        int fd = OpenAtCall(folder, name, flags | OpenCloseOnExec, 0x1B6);
        handle = fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>Creates the folder <paramref name="name"/> in <paramref name="folder"/> (mode 0777 less the umask); 0 or the errno.</summary>
    public static int CreateFolderAt(SafeFileHandle folder, string name) =>
        MakeDirectoryAt(folder, name, 0x1FF) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Removes the name <paramref name="name"/> (a file, a link itself, or with <paramref name="folder"/> an empty folder); 0 or the errno.</summary>
    public static int RemoveAt(SafeFileHandle parent, string name, bool folder) =>
        UnlinkAt(parent, name, folder ? AtRemoveFolder : 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Renames <paramref name="name"/> in <paramref name="folder"/> to the absolute path <paramref name="destination"/>; 0 or the errno.</summary>
    public static int RenameAt(SafeFileHandle folder, string name, string destination) =>
        RenameAtCall(folder, name, AtCurrentFolder, destination) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Takes an exclusive flock on <paramref name="file"/> without waiting; 0, or the errno (EWOULDBLOCK: another holder).</summary>
    public static int TryLockExclusive(SafeFileHandle file) =>
        FLock(file, LockExclusive | LockNonBlocking) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Reserves <paramref name="length"/> bytes for <paramref name="file"/> (fallocate, which also sets its length); 0 or the errno.</summary>
    public static int Allocate(SafeFileHandle file, long length) => FAllocate(file, 0, 0, length) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>The kind (S_IFMT bits), device and inode of an open file; false when statx is unavailable or fails.</summary>
    public static bool TryDescribe(SafeFileHandle file, out int kind, out ulong device, out ulong inode) =>
        TryStatx(file, string.Empty, AtEmptyPath, out kind, out device, out inode);

    /// <summary>The kind, device and inode of <paramref name="name"/> in <paramref name="folder"/>, not following a link; false when missing or unknown.</summary>
    public static bool TryDescribeAt(SafeFileHandle folder, string name, out int kind, out ulong device, out ulong inode) =>
        TryStatx(folder, name, AtNoFollow, out kind, out device, out inode);

    private static unsafe bool TryStatx(SafeFileHandle folder, string name, int flags, out int kind, out ulong device, out ulong inode)
    {
        byte* buffer = stackalloc byte[StatxSize];
        kind = 0;
        device = 0;
        inode = 0;
        try
        {
            if (Statx(folder, name, flags, StatxType | StatxInode, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library without statx (glibc before 2.28, musl before 1.2.5)
        }

        kind = *(ushort*)(buffer + 28) & KindMask;
        inode = *(ulong*)(buffer + 32);
        device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int OpenAtCall(SafeFileHandle folder, string name, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int MakeDirectoryAt(SafeFileHandle folder, string name, int mode);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int UnlinkAt(SafeFileHandle folder, string name, int flags);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int RenameAtCall(SafeFileHandle folder, string name, int destinationFolder, string destination);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FLock(SafeFileHandle file, int operation);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FAllocate(SafeFileHandle file, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial int Statx(SafeFileHandle folder, string name, int flags, uint mask, byte* buffer);
}
