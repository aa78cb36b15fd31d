using System.Text;

namespace Atomiton.Storage.Serialization;

/// <summary>UTF-8 text save and load over any <see cref="IStorageEngine"/>.</summary>
public static class StorageTextExtensions
{
    /// <summary>The content type set on text saves when the engine declares <see cref="StorageCapabilities.ContentType"/>.</summary>
    public const string ContentType = "text/plain; charset=utf-8";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Saves <paramref name="text"/> as UTF-8 (without a byte-order mark) under <paramref name="key"/>, encoding it as it streams.</summary>
    /// <param name="engine">The engine to save to.</param>
    /// <param name="key">The key to save under.</param>
    /// <param name="text">The text.</param>
    /// <param name="options">Condition and metadata; the content type defaults to <c>text/plain; charset=utf-8</c> where supported.</param>
    /// <param name="cancellationToken">Cancels the save; nothing is written.</param>
    /// <exception cref="StorageException">SerializationError when the text holds an unpaired surrogate (nothing is written), or any error of <see cref="IStorageEngine.SaveAsync"/>.</exception>
    public static ValueTask<StorageItem> SaveTextAsync(this IStorageEngine engine, string key, string text, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(text);
        return ProducedContent.SaveAsync(engine, key, StorageJsonExtensions.WithContentType(engine, options, ContentType), async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream, StrictUtf8, bufferSize: 16 * 1024, leaveOpen: true);
            await writer.WriteAsync(text.AsMemory(), ct);
        }, "text", cancellationToken);
    }

    /// <summary>Loads the UTF-8 text stored under <paramref name="key"/> (a leading byte-order mark is dropped).</summary>
    /// <exception cref="StorageException">SerializationError when the content is not valid UTF-8; NotFound; or any error of <see cref="IStorageEngine.OpenReadAsync"/>.</exception>
    public static async ValueTask<string> LoadTextAsync(this IStorageEngine engine, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await using var result = await engine.OpenReadAsync(key, null, cancellationToken);
        using var reader = new StreamReader(result.Content, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        try
        {
            var text = await reader.ReadToEndAsync(cancellationToken);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException e)
        {
            throw new StorageException(StorageErrorCode.SerializationError,
                $"The content of key '{key}' is not valid UTF-8 text. Load it as bytes instead; the stored data was left unchanged.", e)
            { Key = key, Provider = engine.EngineType, Operation = StorageOperation.Load };
        }
    }
}
