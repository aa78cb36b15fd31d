using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Encrypted;

/// <summary>The <c>encrypted</c> wrapper: AES-256-GCM over any engine, with a key ring and optional encrypted names.</summary>
public sealed class EncryptedProvider : StorageProvider<EncryptedOptions>
{
    /// <inheritdoc />
    public override string Name => EncryptedEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Streaming, tamper-evident AES-256-GCM encryption of content (and optionally key names) with a rotatable key ring.";

    /// <inheritdoc />
    protected override async ValueTask<IStorageEngine> CreateAsync(EncryptedOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        Validate(options, context);
        var inner = context.Inner!;
        var ciphers = context.Services?.GetService(typeof(SegmentCipherFactory)) as SegmentCipherFactory;
        if (ciphers is null && !System.Security.Cryptography.AesGcm.IsSupported)
        {
            throw new StorageException(StorageErrorCode.UnsupportedOperation,
                $"Stage '{context.StageName}' of pipeline '{context.PipelineName}': .NET has no AES-GCM on this platform{(OperatingSystem.IsBrowser() ? " (browser WebAssembly)" : "")}. Register a {nameof(SegmentCipherFactory)} service; in a browser app AddAtomitonBrowserStorage registers the browser's WebCrypto one.")
            { Provider = EncryptedEngine.TypeName, Operation = "create" };
        }

        var ring = new EncryptionKeyRing(options.KeyId);
        PassphraseSaltRecord? salt = null;
        if (options.Passphrase is not null || options.PreviousPassphrase is not null)
        {
            int iterations = options.WeakPbkdf2IterationsForTests ?? options.Pbkdf2Iterations;
            salt = await PassphraseSaltRecord.LoadOrCreateAsync(inner, iterations, cancellationToken);
            if (salt.Iterations < EncryptedOptions.MinimumPbkdf2Iterations && options.WeakPbkdf2IterationsForTests is null)
            {
                throw Invalid(context, "pbkdf2Iterations", $"the store's salt record asks for {salt.Iterations} PBKDF2 iterations, below the minimum of {EncryptedOptions.MinimumPbkdf2Iterations}; it was not written by a production engine");
            }
        }

        if (options.Key is not null)
        {
            ring.Add(options.KeyId, KeyMaterial.TryParse(options.Key, out var key) ? key : throw Invalid(context, "key", "not a 32-byte key"));
        }
        else
        {
            ring.Add(options.KeyId, EncryptionKeyRing.DeriveFromPassphrase(options.Passphrase!, salt!.Salt, salt.Iterations));
        }

        foreach (var (id, key) in KeyMaterial.ParsePairs(options.PreviousKeys ?? "").Keys)
        {
            AddPrevious(ring, id, key, context, "previousKeys");
        }

        if (options.PreviousPassphrase is not null)
        {
            AddPrevious(ring, options.PreviousPassphraseKeyId!, EncryptionKeyRing.DeriveFromPassphrase(options.PreviousPassphrase, salt!.Salt, salt.Iterations), context, "previousPassphraseKeyId");
        }

        KeyNameCipher? names = null;
        if (options.EncryptKeys)
        {
            string nameKeyId = options.NameKeyId ?? options.KeyId;
            names = ring.TryGet(nameKeyId, out var nameKey)
                ? new KeyNameCipher(nameKey.Material)
                : throw Invalid(context, "nameKeyId", $"key id '{nameKeyId}' is not in the key ring; add it under 'previousKeys' or 'previousPassphrase'");
        }

        context.Logger.Log(StorageLogLevel.Debug, $"Encrypted stage '{context.StageName}' of pipeline '{context.PipelineName}' ready: {ring}.");
        return new EncryptedEngine(inner, ring, names, context.Logger, ownsInner: true, ciphers);
    }

    private static void Validate(EncryptedOptions options, StorageProviderContext context)
    {
        // The host validates the DataAnnotations too; this repeats the checks for engines built in code.
        if (options.Pbkdf2Iterations < EncryptedOptions.MinimumPbkdf2Iterations)
        {
            throw Invalid(context, "pbkdf2Iterations", $"must be at least {EncryptedOptions.MinimumPbkdf2Iterations} (OWASP's minimum for PBKDF2-HMAC-SHA256)");
        }

        var first = options.Validate(new ValidationContext(options, nameof(EncryptedOptions), null, null)).FirstOrDefault();
        if (first is not null)
        {
            string option = first.MemberNames.FirstOrDefault() is { } member ? char.ToLowerInvariant(member[0]) + member[1..] : "(options)";
            throw Invalid(context, option, first.ErrorMessage ?? "invalid");
        }
    }

    private static void AddPrevious(EncryptionKeyRing ring, string id, byte[] key, StorageProviderContext context, string option)
    {
        try
        {
            ring.Add(id, key);
        }
        catch (ArgumentException)
        {
            throw Invalid(context, option, $"key id '{id}' appears twice in the key ring; give each key a distinct id");
        }
    }

    private static StorageException Invalid(StorageProviderContext context, string option, string problem) =>
        new(StorageErrorCode.InvalidConfiguration, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}', option '{option}': {problem}.")
        { Provider = EncryptedEngine.TypeName, Operation = "create" };
}
