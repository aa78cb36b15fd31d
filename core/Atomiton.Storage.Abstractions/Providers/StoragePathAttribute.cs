namespace Atomiton.Storage.Providers;

/// <summary>
/// Marks a string options property as a file-system path: the host resolves a relative value
/// against <see cref="StorageProviderContext.BaseDirectory"/> (the folder of <c>plugins.json</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class StoragePathAttribute : Attribute
{
}
