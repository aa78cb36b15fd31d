using System.CommandLine;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>--database</c> of <c>serve</c> and <c>cloud keys</c>: the PostgreSQL database that holds a replicated
/// server's state instead of the key file (docs/cloud-deploy.md). Read from <c>ATOMITON_CLOUD_DATABASE</c>
/// when the option is not given, so the connection string need not appear in a process list.
/// </summary>
internal static class CloudDatabaseOption
{
    public const string EnvironmentVariable = "ATOMITON_CLOUD_DATABASE";

    public static Option<string?> Create() => new("--database")
    {
        Description = $"The PostgreSQL connection string of a replicated server's state (keys, uploads, rate limits, change log), such as 'Host=db;Database=atomiton;Username=atomiton' (give the password by PGPASSWORD or ~/.pgpass). Default: ${EnvironmentVariable}; without either, the key file.",
    };

    /// <summary>The connection string given by the option or the environment, or null for the key file.</summary>
    public static string? Resolve(Option<string?> option, Cli.Invocation invocation) =>
        invocation.ParseResult.GetValue(option) is { Length: > 0 } given ? given
        : System.Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    /// <summary>Opens the database (applying its schema steps), turning failures into the CLI's errors.</summary>
    public static async Task<Cloud.Server.Database.CloudDatabase> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            return await Cloud.Server.Database.CloudDatabase.OpenAsync(connectionString, cancellationToken: cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new Cli.CommandLineException(Cli.ExitCodes.Usage, "--database: " + e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        catch (StorageException e) when (e.IsTransient)
        {
            throw new Cli.CommandLineException(Cli.ExitCodes.RetryLater, "The database given by --database (or " + EnvironmentVariable + ") cannot be reached: check the host, port, user and that PostgreSQL runs, then retry.");
        }
        catch (InvalidOperationException e)
        {
            throw new Cli.CommandLineException(Cli.ExitCodes.Configuration, e.Message);
        }
    }

    /// <summary>Runs one database call of an administration command; a database that stops answering is exit 75 (nothing changed).</summary>
    public static async Task<T> Transient<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StorageException e) when (e.IsTransient)
        {
            throw new Cli.CommandLineException(Cli.ExitCodes.RetryLater, "The database stopped answering; nothing was changed. Retry.");
        }
    }
}
