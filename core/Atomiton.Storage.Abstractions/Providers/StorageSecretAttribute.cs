namespace Atomiton.Storage.Providers;

/// <summary>
/// Marks an options property as a secret (key, token, password, API key). In <c>plugins.json</c>
/// it must be a reference — <c>env:NAME</c> or <c>file:PATH</c> — which the host resolves before
/// binding; a literal is refused. The value never appears in messages, logs or <c>ToString()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class StorageSecretAttribute : Attribute
{
}
