using Atomiton.Storage.Host.Cli;

var root = RootCommandFactory.Create();
// No arguments at all: show what the tool can do rather than a usage error.
var parseResult = root.Parse(args.Length == 0 ? ["--help"] : args);
if (parseResult.Errors.Count > 0)
{
    foreach (var error in parseResult.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    string command = parseResult.CommandResult.Command == root ? "" : " " + parseResult.CommandResult.Command.Name;
    Console.Error.WriteLine($"Run 'atomiton-storage{command} --help' for usage.");
    return ExitCodes.Usage;
}

return await parseResult.InvokeAsync();
