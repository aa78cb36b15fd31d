namespace Json13Plugin;

/// <summary>The JSON document one object is kept as.</summary>
public sealed class StoredDocument
{
    public string Content { get; set; } = "";

    public string? ContentType { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset Updated { get; set; }

    public string ETag { get; set; } = "";

    public string Newtonsoft { get; set; } = "";
}
