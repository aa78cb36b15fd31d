using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Atomiton.Storage.Serialization;

/// <summary>
/// Typed JSON save and load over any <see cref="IStorageEngine"/>, with System.Text.Json. Content
/// streams in both directions (no whole-document string). Prefer the <see cref="JsonTypeInfo{T}"/>
/// overloads (source-generated contexts): they are trimming- and AOT-safe.
/// </summary>
public static class StorageJsonExtensions
{
    /// <summary>The content type set on JSON saves when the engine declares <see cref="StorageCapabilities.ContentType"/>.</summary>
    public const string ContentType = "application/json";

    /// <summary>Serializes <paramref name="value"/> as UTF-8 JSON under <paramref name="key"/>.</summary>
    /// <param name="engine">The engine to save to.</param>
    /// <param name="key">The key to save under.</param>
    /// <param name="value">The value to serialize.</param>
    /// <param name="typeInfo">The JSON contract of <typeparamref name="T"/>, usually from a source-generated context.</param>
    /// <param name="options">Condition and metadata; the content type defaults to <c>application/json</c> where supported.</param>
    /// <param name="cancellationToken">Cancels the save; nothing is written.</param>
    /// <exception cref="StorageException">SerializationError when the value cannot be serialized (nothing is written), or any error of <see cref="IStorageEngine.SaveAsync"/>.</exception>
    public static ValueTask<StorageItem> SaveJsonAsync<T>(this IStorageEngine engine, string key, T value, JsonTypeInfo<T> typeInfo, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return ProducedContent.SaveAsync(engine, key, WithContentType(engine, options), (stream, ct) => JsonSerializer.SerializeAsync(stream, value, typeInfo, ct), "a " + typeof(T).Name, cancellationToken);
    }

    /// <summary>Serializes <paramref name="value"/> with reflection-based <paramref name="serializerOptions"/>; see the <see cref="JsonTypeInfo{T}"/> overload.</summary>
    /// <exception cref="StorageException">SerializationError when the value cannot be serialized (nothing is written), or any error of <see cref="IStorageEngine.SaveAsync"/>.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON serialization may need types that trimming removes. Use the JsonTypeInfo<T> overload.")]
    [RequiresDynamicCode("Reflection-based JSON serialization may generate code at run time. Use the JsonTypeInfo<T> overload.")]
    public static ValueTask<StorageItem> SaveJsonAsync<T>(this IStorageEngine engine, string key, T value, JsonSerializerOptions? serializerOptions = null, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return ProducedContent.SaveAsync(engine, key, WithContentType(engine, options), (stream, ct) => JsonSerializer.SerializeAsync(stream, value, serializerOptions, ct), "a " + typeof(T).Name, cancellationToken);
    }

    /// <summary>Loads and deserializes the JSON stored under <paramref name="key"/>.</summary>
    /// <param name="engine">The engine to load from.</param>
    /// <param name="key">The key to load.</param>
    /// <param name="typeInfo">The JSON contract of <typeparamref name="T"/>, usually from a source-generated context.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The value; null when the content is the JSON literal <c>null</c>.</returns>
    /// <exception cref="StorageException">SerializationError naming the key, line and byte position when the content is not valid JSON for <typeparamref name="T"/>; NotFound; or any error of <see cref="IStorageEngine.OpenReadAsync"/>.</exception>
    public static async ValueTask<T?> LoadJsonAsync<T>(this IStorageEngine engine, string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(typeInfo);
        await using var result = await engine.OpenReadAsync(key, null, cancellationToken);
        try
        {
            return await JsonSerializer.DeserializeAsync(result.Content, typeInfo, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw Malformed(engine, key, typeof(T), e);
        }
    }

    /// <summary>Loads JSON with reflection-based <paramref name="serializerOptions"/>; see the <see cref="JsonTypeInfo{T}"/> overload.</summary>
    /// <exception cref="StorageException">SerializationError naming the key, line and byte position; NotFound; or any error of <see cref="IStorageEngine.OpenReadAsync"/>.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON serialization may need types that trimming removes. Use the JsonTypeInfo<T> overload.")]
    [RequiresDynamicCode("Reflection-based JSON serialization may generate code at run time. Use the JsonTypeInfo<T> overload.")]
    public static async ValueTask<T?> LoadJsonAsync<T>(this IStorageEngine engine, string key, JsonSerializerOptions? serializerOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await using var result = await engine.OpenReadAsync(key, null, cancellationToken);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(result.Content, serializerOptions, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw Malformed(engine, key, typeof(T), e);
        }
    }

    internal static SaveOptions WithContentType(IStorageEngine engine, SaveOptions? options, string contentType = ContentType)
    {
        options ??= SaveOptions.Default;
        return options.ContentType is null && engine.Supports(StorageCapabilities.ContentType)
            ? options with { ContentType = contentType }
            : options;
    }

    private static StorageException Malformed(IStorageEngine engine, string key, Type type, Exception cause)
    {
        var position = cause is JsonException { LineNumber: { } line, BytePositionInLine: { } column }
            ? $" at line {line + 1}, byte {column + 1}{(cause is JsonException { Path: { Length: > 0 } path } ? $" (path {path})" : "")}"
            : "";
        return new StorageException(StorageErrorCode.SerializationError,
            $"The content of key '{key}' is not valid JSON for {type.Name}{position}. Fix or re-save the object; the stored data was left unchanged.", cause)
        { Key = key, Provider = engine.EngineType, Operation = StorageOperation.Load };
    }
}
