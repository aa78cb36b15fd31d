using System.Collections.Immutable;
using System.Net.Sockets;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>Files that look like plugin files but are not what the host expects.</summary>
internal static class HostileFiles
{
    /// <summary>Writes a well-formed PE image without CLI metadata, as a native library is.</summary>
    public static void WriteNativeImage(string path)
    {
        var image = new BlobBuilder();
        new NativeImageBuilder().Serialize(image);
        using var file = File.Create(path);
        image.WriteContentTo(file);
    }

    /// <summary>
    /// Binds a Unix domain socket at <paramref name="path"/>: the path exists and is not a folder,
    /// but opening it for reading fails (ENXIO), whatever the test's privileges.
    /// </summary>
    public static Socket BindSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private sealed class NativeImageBuilder() : PEBuilder(PEHeaderBuilder.CreateLibraryHeader(), deterministicIdProvider: null)
    {
        protected override ImmutableArray<Section> CreateSections() =>
            [new Section(".text", SectionCharacteristics.ContainsCode | SectionCharacteristics.MemExecute | SectionCharacteristics.MemRead)];

        protected override BlobBuilder SerializeSection(string name, SectionLocation location)
        {
            var section = new BlobBuilder();
            section.WriteBytes(0xC3, 16); // ret
            return section;
        }

        protected override PEDirectoriesBuilder GetDirectories() => new();
    }
}
