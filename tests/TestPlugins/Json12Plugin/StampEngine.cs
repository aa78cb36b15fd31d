using Atomiton.Storage;
using Newtonsoft.Json;

namespace Json12Plugin;

/// <summary>
/// Adds the metadata entry <c>json12.stamp</c> (a JSON note serialized by this plugin's own
/// Newtonsoft.Json) to every save, and reports its Newtonsoft version and call counts in GetInfo.
/// </summary>
public sealed class StampEngine(IStorageEngine inner, string label) : DelegatingStorageEngine(inner)
{
    private int _saves;
    private int _loads;

    public override string EngineType => "json12-stamp";

    public static string NewtonsoftVersion => typeof(JsonConvert).Assembly.GetName().Version!.ToString();

    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _saves);
        var metadata = new Dictionary<string, string>(options.Metadata ?? StorageItem.EmptyMetadata, StringComparer.Ordinal)
        {
            ["json12.stamp"] = JsonConvert.SerializeObject(new { label, newtonsoft = NewtonsoftVersion }),
        };
        return base.SaveCoreAsync(key, content, options with { Metadata = metadata }, cancellationToken);
    }

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        return base.OpenReadCoreAsync(key, options, cancellationToken);
    }

    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var info = await base.GetInfoCoreAsync(cancellationToken);
        return info with
        {
            Details = new Dictionary<string, string>
            {
                ["newtonsoft"] = NewtonsoftVersion,
                ["saves"] = Volatile.Read(ref _saves).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["loads"] = Volatile.Read(ref _loads).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }
}
