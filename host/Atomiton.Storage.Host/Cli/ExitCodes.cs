namespace Atomiton.Storage.Host.Cli;

/// <summary>The process exit codes of <c>atomiton-storage</c>, documented in <c>docs/cli.md</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Any failure no other code describes (a backend error, a failed verification).</summary>
    public const int Other = 1;

    /// <summary>The command line is wrong: unknown command or option, missing argument, invalid key.</summary>
    public const int Usage = 2;

    /// <summary>The key, file or pipeline named does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>A conditional write failed: the key exists (create-only) or changed meanwhile.</summary>
    public const int Conflict = 4;

    /// <summary>Credentials are missing, wrong or not allowed to do this.</summary>
    public const int Authentication = 5;

    /// <summary><c>plugins.json</c> is missing or invalid, or a pipeline cannot be built from it.</summary>
    public const int Configuration = 6;

    /// <summary>A plugin broke the contract (threw something other than a storage error): a bug in that plugin.</summary>
    public const int PluginFailed = 7;

    /// <summary><c>sync</c>: another sync of the same pair is running (another process or terminal); nothing was changed. Run again when it has finished, or pass <c>--wait</c>.</summary>
    public const int SyncBusy = 8;

    /// <summary><c>sync</c>: a safety valve tripped, conflicts were left, names collided or a key failed for good — a human must look.</summary>
    public const int NeedsAttention = 9;

    /// <summary><c>sync</c>: some keys failed with errors that may pass (network, throttling); run again later (sysexits EX_TEMPFAIL).</summary>
    public const int RetryLater = 75;

    /// <summary>The user interrupted the command (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
