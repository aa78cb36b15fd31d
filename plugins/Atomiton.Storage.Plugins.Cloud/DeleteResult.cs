namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>The body of a delete's answer.</summary>
internal sealed record DeleteResult(bool Deleted);
