namespace Atomiton.Storage.Hosting.DependencyInjection;

/// <summary>The options type whose validation (run at start-up by <c>ValidateOnStart</c>) checks the storage configuration.</summary>
internal sealed class StorageStartupCheck
{
}
