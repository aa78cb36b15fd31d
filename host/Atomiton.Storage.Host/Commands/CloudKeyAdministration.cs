using System.CommandLine;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>The keys <c>cloud keys</c> manages: the key file (one machine), or the database of replicas (<c>--database</c>).</summary>
internal sealed class CloudKeyAdministration : IAsyncDisposable
{
    private readonly ApiKeyStore? _file;
    private readonly CloudDatabase? _database;

    private CloudKeyAdministration(ApiKeyStore? file, CloudDatabase? database)
    {
        _file = file;
        _database = database;
    }

    /// <summary>Names where the keys are, for messages (never the connection string, which may hold a password).</summary>
    public string Location => _file?.FilePath ?? "the database";

    /// <summary>The key file's path, or null with a database (the --json field 'file').</summary>
    public string? FilePath => _file?.FilePath;

    public static async Task<CloudKeyAdministration> OpenAsync(Invocation invocation, Option<string> file, Option<string?> database, CancellationToken cancellationToken)
    {
        if (CloudDatabaseOption.Resolve(database, invocation) is { } connectionString)
        {
            if (invocation.ParseResult.GetResult(file) is { Implicit: false })
            {
                throw new CommandLineException(ExitCodes.Usage, "Give --keys (a key file) or --database (the replicas' database), not both.");
            }

            return new CloudKeyAdministration(null, await CloudDatabaseOption.OpenAsync(connectionString, cancellationToken));
        }

        return new CloudKeyAdministration(new ApiKeyStore(invocation.ResolvePath(invocation.ParseResult.GetValue(file)!)), null);
    }

    public async Task<CreatedApiKey> CreateAsync(string tenantPrefix, ApiKeyPermissions permissions, string? description, CancellationToken cancellationToken) =>
        _database is not null ? await CloudDatabaseOption.Transient(() => _database.CreateKeyAsync(tenantPrefix, permissions, description, cancellationToken)) : _file!.Create(tenantPrefix, permissions, description);

    public async Task<IReadOnlyList<ApiKeyEntry>> ListAsync(CancellationToken cancellationToken) =>
        _database is not null ? await CloudDatabaseOption.Transient(() => _database.ListKeysAsync(cancellationToken)) : _file!.List();

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) =>
        _database is not null ? await CloudDatabaseOption.Transient(() => _database.RevokeKeyAsync(id, cancellationToken)) : _file!.Revoke(id);

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
