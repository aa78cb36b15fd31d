using System.CommandLine;
using Atomiton.Storage.Host.Commands;

namespace Atomiton.Storage.Host.Cli;

/// <summary>Builds the <c>atomiton-storage</c> command tree.</summary>
internal static class RootCommandFactory
{
    public static RootCommand Create(CliEnvironment environment)
    {
        var options = new GlobalOptions();
        var runner = new CommandRunner(options, environment);
        var root = new RootCommand("atomiton-storage: inspect, operate, migrate and verify Atomiton Storage pipelines declared in plugins.json.");
        options.AddTo(root);
        root.Add(DemoCommand.Create(runner));
        root.Add(PluginsCommand.Create(runner));
        root.Add(PipelinesCommand.Create(runner));
        root.Add(ValidateCommand.Create(runner));
        root.Add(PutCommand.Create(runner));
        root.Add(GetCommand.Create(runner));
        root.Add(ListCommand.Create(runner));
        root.Add(RemoveCommand.Create(runner));
        root.Add(StatCommand.Create(runner));
        root.Add(InfoCommand.Create(runner));
        root.Add(TransferCommand.Create(runner, move: false));
        root.Add(TransferCommand.Create(runner, move: true));
        root.Add(MigrateCommand.Create(runner));
        root.Add(RotateKeysCommand.Create(runner));
        root.Add(DedupeCommand.Create(runner));
        root.Add(ServeCommand.Create(runner));
        root.Add(CloudKeysCommand.Create(runner));
        root.Add(EmulateCommand.Create(runner));
        root.Add(AuthCommand.Create(runner));
        root.Add(SyncCommand.Create(runner));
        return root;
    }
}
