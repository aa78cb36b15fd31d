using Atomiton.Storage.Cloud.Server.Database;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// <c>/healthz</c> (liveness: the process answers) and <c>/readyz</c> (readiness: the database, when
/// there is one, and the served storage answer now). Anonymous, for load balancers and orchestrators;
/// they name no host, path or error text — only which check failed.
/// </summary>
internal sealed class HealthHandlers(IStorageEngine engine, CloudDatabase? database)
{
    /// <summary>The key a readiness check stats; it need not exist (NotFound is an answer).</summary>
    public const string ProbeKey = "atomiton-readiness-probe";

    public static IResult Live() => Results.Json(new { status = "ok" });

    public async Task<IResult> ReadyAsync(CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>(StringComparer.Ordinal);
        if (database is not null)
        {
            checks["database"] = await CheckDatabaseAsync(database, cancellationToken);
        }

        checks["storage"] = await CheckStorageAsync(cancellationToken);
        bool ready = checks.Values.All(v => v == "ok");
        return Results.Json(new { status = ready ? "ready" : "unavailable", checks }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> CheckDatabaseAsync(CloudDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return "ok";
        }
        catch (Exception e) when (CloudDatabase.IsUnreachable(e, cancellationToken))
        {
            database.ForgetConnections();
            return "unreachable";
        }
    }

    private async Task<string> CheckStorageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await engine.StatAsync(ProbeKey, cancellationToken);
            return "ok";
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the engine says (a refusal, a closed engine), it cannot serve now.
            return "unreachable";
        }
    }
}
