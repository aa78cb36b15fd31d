using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>Rewrites the contract version a built plugin references, producing a plugin "built against" another contract.</summary>
internal static class ContractVersionPatch
{
    public static void SetContractVersion(string assemblyPath, ushort major, ushort minor)
    {
        int offset;
        using (var stream = File.OpenRead(assemblyPath))
        using (var pe = new PEReader(stream))
        {
            var reader = pe.GetMetadataReader();
            var handle = reader.AssemblyReferences.Single(h => reader.GetString(reader.GetAssemblyReference(h).Name) == "Atomiton.Storage.Abstractions");
            int row = MetadataTokens.GetRowNumber(handle);
            // An AssemblyRef row starts with its MajorVersion then MinorVersion (ECMA-335 II.22.5).
            offset = pe.PEHeaders.MetadataStartOffset
                + reader.GetTableMetadataOffset(TableIndex.AssemblyRef)
                + (row - 1) * reader.GetTableRowSize(TableIndex.AssemblyRef);
        }

        using var file = File.Open(assemblyPath, FileMode.Open, FileAccess.ReadWrite);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, major);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[2..], minor);
        file.Position = offset;
        file.Write(bytes);
    }
}
