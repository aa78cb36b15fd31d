using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>
/// Reads which contract version a plugin assembly was built against from its metadata, without
/// loading it, so an incompatible or corrupt plugin never reaches a load context.
/// </summary>
internal static class ContractReferenceCheck
{
    internal const string ContractAssemblyName = "Atomiton.Storage.Abstractions";

    /// <summary>Returns why the assembly cannot be a plugin of this host, or null when it can.</summary>
    public static string? FindProblem(string assemblyPath)
    {
        string file = Path.GetFileName(assemblyPath);
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return NotAnAssembly(file);
            }

            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                if (!reader.StringComparer.Equals(reference.Name, ContractAssemblyName))
                {
                    continue;
                }

                var version = reference.Version;
                if (version.Major != StorageContract.MajorVersion)
                {
                    return $"'{file}' was built against contract {ContractAssemblyName} {version}, but this host runs contract major version {StorageContract.MajorVersion} ({StorageContract.Version}). Rebuild the plugin against contract {StorageContract.MajorVersion}.x.";
                }

                // Within a major version the contract only grows: a plugin built against a newer minor may call what this host lacks.
                return version.Minor > StorageContract.Version.Minor
                    ? $"'{file}' was built against contract {ContractAssemblyName} {version}, which is newer than this host's ({StorageContract.Version}). Update the host, or rebuild the plugin against contract {StorageContract.Version.Major}.{StorageContract.Version.Minor}."
                    : null;
            }

            return $"'{file}' does not reference {ContractAssemblyName}, so it cannot provide storage engines. Remove the folder from the plugin directory, or rebuild it against the contract.";
        }
        catch (BadImageFormatException)
        {
            return NotAnAssembly(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"'{file}' could not be read ({e.Message}). Check that it is a regular file the host may read.";
        }
    }

    private static string NotAnAssembly(string file) =>
        $"'{file}' is not a valid .NET assembly (the file is corrupt or not managed code). Rebuild the plugin and copy its whole output folder again.";
}
