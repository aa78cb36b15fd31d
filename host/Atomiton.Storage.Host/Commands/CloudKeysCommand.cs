using System.CommandLine;
using System.Globalization;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>cloud keys create|list|revoke</c>: manages the API keys of <c>serve</c> (see docs/cloud-api.md).</summary>
internal static class CloudKeysCommand
{
    public static Command Create(CommandRunner runner)
    {
        var keys = new Command("keys", "Create, list and revoke the API keys 'serve' accepts.")
        {
            CreateKey(runner),
            ListKeys(runner),
            RevokeKey(runner),
        };
        return new Command("cloud", "Atomiton Cloud administration.") { keys, CloudQuotaCommand.Create(runner) };
    }

    private static Command CreateKey(CommandRunner runner)
    {
        var file = CloudKeysFileOption.Create();
        var tenant = new Option<string>("--tenant")
        {
            Description = "The key prefix the key is confined to, ending with '/' (such as tenants/acme/); \"\" for the whole store.",
            Required = true,
        };
        var permissions = new Option<string>("--permissions")
        {
            Description = "Comma-separated: read, write, admin. Default: read,write.",
            DefaultValueFactory = _ => "read,write",
        };
        var description = new Option<string?>("--description") { Description = "Who or what uses the key." };
        var database = CloudDatabaseOption.Create();
        var command = new Command("create", "Create a key; it is printed once on stdout and only its SHA-256 hash is stored.") { file, database, tenant, permissions, description };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            await using var store = await CloudKeyAdministration.OpenAsync(invocation, file, database, cancellationToken);
            CreatedApiKey created;
            try
            {
                created = await store.CreateAsync(parse.GetValue(tenant) ?? "", ParsePermissions(parse.GetValue(permissions)!), parse.GetValue(description), cancellationToken);
            }
            catch (ArgumentException e)
            {
                throw new CommandLineException(ExitCodes.Usage, e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { created.Entry.Id, created.Entry.TenantPrefix, permissions = created.Entry.Permissions.ToString(), created.Entry.Created, key = created.Key, file = store.FilePath });
            }
            else
            {
                invocation.Out.WriteLine(created.Key);
                invocation.Note($"Created key {created.Entry.Id} for tenant '{created.Entry.TenantPrefix}' ({created.Entry.Permissions}) in {store.Location}. It is shown only now: keep it as a secret and reference it from plugins.json as env:NAME or file:PATH.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ListKeys(CommandRunner runner)
    {
        var file = CloudKeysFileOption.Create();
        var database = CloudDatabaseOption.Create();
        var command = new Command("list", "List the keys (ids, tenants, permissions, state); never the keys themselves.") { file, database };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            await using var store = await CloudKeyAdministration.OpenAsync(invocation, file, database, cancellationToken);
            var entries = await store.ListAsync(cancellationToken);
            if (invocation.Json)
            {
                invocation.WriteJson(entries.Select(e => new { e.Id, e.TenantPrefix, permissions = e.Permissions.ToString(), e.Created, e.Revoked, e.Description }));
                return ExitCodes.Success;
            }

            var table = new TableWriter("id", "tenant", "permissions", "created", "state", "description");
            foreach (var entry in entries)
            {
                table.Add(
                    entry.Id,
                    entry.TenantPrefix.Length == 0 ? "(whole store)" : entry.TenantPrefix,
                    entry.Permissions.ToString(),
                    entry.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    entry.Revoked is { } revoked ? "revoked " + revoked.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "active",
                    entry.Description ?? "");
            }

            table.WriteTo(invocation.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RevokeKey(CommandRunner runner)
    {
        var file = CloudKeysFileOption.Create();
        var id = new Argument<string>("id") { Description = "The key's id (from 'cloud keys list')." };
        var database = CloudDatabaseOption.Create();
        var command = new Command("revoke", "Revoke a key; a running server (every replica, with --database) refuses it from its next request.") { file, database, id };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            await using var store = await CloudKeyAdministration.OpenAsync(invocation, file, database, cancellationToken);
            var keyId = invocation.ParseResult.GetValue(id)!;
            if (!await store.RevokeAsync(keyId, cancellationToken))
            {
                throw new CommandLineException(ExitCodes.NotFound, $"No key with id '{keyId}' is in {store.Location}. Run 'atomiton-storage cloud keys list' to see the ids.");
            }

            invocation.Note($"Revoked key {keyId}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static ApiKeyPermissions ParsePermissions(string text)
    {
        var permissions = ApiKeyPermissions.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<ApiKeyPermissions>(name, ignoreCase: true, out var one) || one == ApiKeyPermissions.None || int.TryParse(name, out _))
            {
                throw new CommandLineException(ExitCodes.Usage, $"Unknown permission '{name}'; use read, write and/or admin, comma-separated.");
            }

            permissions |= one;
        }

        return permissions == ApiKeyPermissions.None
            ? throw new CommandLineException(ExitCodes.Usage, "--permissions is empty; use read, write and/or admin.")
            : permissions;
    }
}
