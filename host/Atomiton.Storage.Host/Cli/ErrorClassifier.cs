namespace Atomiton.Storage.Host.Cli;

/// <summary>Maps a failure onto an exit code and a short name, the same way for every command.</summary>
internal static class ErrorClassifier
{
    public static int ExitCodeOf(Exception exception) => exception switch
    {
        CommandLineException e => e.ExitCode,
        StorageException e => e.Code switch
        {
            StorageErrorCode.NotFound => ExitCodes.NotFound,
            StorageErrorCode.Conflict => ExitCodes.Conflict,
            StorageErrorCode.AuthenticationFailed or StorageErrorCode.AccessDenied or StorageErrorCode.AuthorizationRequired => ExitCodes.Authentication,
            StorageErrorCode.InvalidConfiguration => ExitCodes.Configuration,
            StorageErrorCode.InvalidKey or StorageErrorCode.InvalidArgument => ExitCodes.Usage,
            StorageErrorCode.PluginFailed => ExitCodes.PluginFailed,
            _ => ExitCodes.Other,
        },
        OperationCanceledException => ExitCodes.Cancelled,
        FileNotFoundException or DirectoryNotFoundException => ExitCodes.NotFound,
        UnauthorizedAccessException => ExitCodes.Authentication,
        _ => ExitCodes.Other,
    };

    public static string KindOf(Exception exception) => exception switch
    {
        StorageException e => e.Code.ToString(),
        OperationCanceledException => "Cancelled",
        _ => ExitCodeOf(exception) switch
        {
            ExitCodes.Usage => "Usage",
            ExitCodes.NotFound => "NotFound",
            ExitCodes.Conflict => "Conflict",
            ExitCodes.Authentication => "AuthenticationFailed",
            ExitCodes.Configuration => "InvalidConfiguration",
            _ => "Error",
        },
    };
}
