using Atomiton.Storage.Host.Cli;

return await CliApplication.RunAsync(args, CliEnvironment.FromProcess());
