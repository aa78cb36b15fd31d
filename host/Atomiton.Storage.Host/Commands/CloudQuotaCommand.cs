using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>cloud quota set|show|remove</c>: the tenant quotas every replica enforces (docs/cloud-deploy.md, Quotas).
/// Quotas live in the replicas' database; one machine without <c>--database</c> has none.
/// </summary>
internal static partial class CloudQuotaCommand
{
    public static Command Create(CommandRunner runner) => new("quota", "Set, show and remove the tenant quotas replicas enforce (needs --database).")
    {
        Set(runner),
        Show(runner),
        Remove(runner),
    };

    private static Command Set(CommandRunner runner)
    {
        var database = CloudDatabaseOption.Create();
        var tenant = TenantOption(required: true);
        var maxBytes = new Option<string?>("--max-bytes") { Description = "The most bytes of content the tenant may store: a number of bytes, or with KiB, MiB, GiB or TiB (such as 10GiB)." };
        var maxItems = new Option<long?>("--max-items") { Description = "The most objects the tenant may store." };
        var command = new Command("set", "Give a tenant a byte limit, an object limit or both (replacing its earlier quota); every replica enforces it from its next write.") { database, tenant, maxBytes, maxItems };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            long? bytes = parse.GetValue(maxBytes) is { } text ? ParseBytes(text) : null;
            long? items = parse.GetValue(maxItems);
            if (bytes is null && items is null)
            {
                throw new CommandLineException(ExitCodes.Usage, "Give --max-bytes, --max-items or both; to lift a tenant's quota, run 'atomiton-storage cloud quota remove --tenant <prefix>'.");
            }

            if (items < 0)
            {
                throw new CommandLineException(ExitCodes.Usage, $"--max-items must be 0 or more (it is {items}).");
            }

            await using var db = await OpenAsync(invocation, database, cancellationToken);
            TenantQuota quota;
            try
            {
                quota = await CloudDatabaseOption.Transient(() => db.SetQuotaAsync(parse.GetValue(tenant)!, bytes, items, cancellationToken));
            }
            catch (ArgumentException e)
            {
                throw new CommandLineException(ExitCodes.Usage, "--tenant: " + e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
            }

            Write(invocation, [quota]);
            invocation.Note($"Set the quota of tenant '{quota.TenantPrefix}'; every replica enforces it from its next write.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var database = CloudDatabaseOption.Create();
        var tenant = TenantOption(required: false);
        var command = new Command("show", "Show a tenant's quota and usage, or every tenant's with no --tenant.") { database, tenant };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            await using var db = await OpenAsync(invocation, database, cancellationToken);
            if (invocation.ParseResult.GetValue(tenant) is { } prefix)
            {
                var quota = await CloudDatabaseOption.Transient(() => db.GetQuotaAsync(prefix, cancellationToken))
                    ?? throw new CommandLineException(ExitCodes.NotFound, $"Tenant '{prefix}' has no quota. Run 'atomiton-storage cloud quota show' to see the tenants that have one.");
                Write(invocation, [quota]);
                return ExitCodes.Success;
            }

            Write(invocation, await CloudDatabaseOption.Transient(() => db.ListQuotasAsync(cancellationToken)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Remove(CommandRunner runner)
    {
        var database = CloudDatabaseOption.Create();
        var tenant = TenantOption(required: true);
        var command = new Command("remove", "Lift a tenant's quota.") { database, tenant };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            await using var db = await OpenAsync(invocation, database, cancellationToken);
            string prefix = invocation.ParseResult.GetValue(tenant)!;
            if (!await CloudDatabaseOption.Transient(() => db.RemoveQuotaAsync(prefix, cancellationToken)))
            {
                throw new CommandLineException(ExitCodes.NotFound, $"Tenant '{prefix}' has no quota; nothing was changed. Run 'atomiton-storage cloud quota show' to see the tenants that have one.");
            }

            invocation.Note($"Removed the quota of tenant '{prefix}'.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string> TenantOption(bool required) => new("--tenant")
    {
        Description = "The tenant's key prefix, ending with '/' (such as tenants/acme/); \"\" for the whole store.",
        Required = required,
    };

    private static async Task<CloudDatabase> OpenAsync(Invocation invocation, Option<string?> database, CancellationToken cancellationToken) =>
        CloudDatabaseOption.Resolve(database, invocation) is { } connectionString
            ? await CloudDatabaseOption.OpenAsync(connectionString, cancellationToken)
            : throw new CommandLineException(ExitCodes.Usage,
                $"Tenant quotas are kept in the replicas' database: give --database <connection string> (or set {CloudDatabaseOption.EnvironmentVariable}). A server on one machine (serve without --database) has no tenant quotas; limit its whole store with the served engine's own options.");

    private static void Write(Invocation invocation, IReadOnlyList<TenantQuota> quotas)
    {
        if (invocation.Json)
        {
            invocation.WriteJson(quotas.Select(q => new { tenant = q.TenantPrefix, q.MaxBytes, q.MaxItems, q.UsedBytes, q.UsedItems }));
            return;
        }

        var table = new TableWriter("tenant", "bytes used", "byte limit", "objects", "object limit");
        foreach (var quota in quotas)
        {
            table.Add(
                quota.TenantPrefix.Length == 0 ? "(whole store)" : quota.TenantPrefix,
                quota.UsedBytes.ToString(CultureInfo.InvariantCulture),
                quota.MaxBytes?.ToString(CultureInfo.InvariantCulture) ?? "none",
                quota.UsedItems.ToString(CultureInfo.InvariantCulture),
                quota.MaxItems?.ToString(CultureInfo.InvariantCulture) ?? "none");
        }

        table.WriteTo(invocation.Out);
    }

    /// <summary>Bytes, or a whole number with a binary unit (KiB, MiB, GiB, TiB; case-insensitive).</summary>
    internal static long ParseBytes(string text)
    {
        var match = SizeText().Match(text.Trim());
        if (match.Success && long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            int shift = match.Groups["unit"].Value.ToUpperInvariant() switch { "" or "B" => 0, "KIB" => 10, "MIB" => 20, "GIB" => 30, _ => 40 };
            if (number <= long.MaxValue >> shift)
            {
                return number << shift;
            }
        }

        throw new CommandLineException(ExitCodes.Usage, $"--max-bytes '{text}' is not a size: give a whole number of bytes, or one with KiB, MiB, GiB or TiB (such as 10GiB).");
    }

    [GeneratedRegex(@"^(?<n>[0-9]+)\s*(?<unit>B|KiB|MiB|GiB|TiB)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SizeText();
}
