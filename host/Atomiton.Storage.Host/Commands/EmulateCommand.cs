using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using Atomiton.Storage.Emulators;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>emulate &lt;name&gt;</c>: serves a local emulator of a service (see docs/cli.md) on loopback until
/// Ctrl+C, so an application can be developed and tested offline; <c>emulate --list</c> names them.
/// </summary>
internal static class EmulateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string?>("name")
        {
            Description = $"The emulator to start: {string.Join(", ", EmulatorCatalog.All.Select(e => e.Name))}.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var port = new Option<int>("--port") { Description = "The loopback port of the main address; 0 (the default) picks a free port." };
        var list = new Option<bool>("--list") { Description = "List the emulators and exit." };
        var command = new Command("emulate", "Serve a local emulator of a service on 127.0.0.1 until Ctrl+C (offline development and tests).") { name, port, list };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            if (parse.GetValue(list))
            {
                if (invocation.Json)
                {
                    invocation.WriteJson(EmulatorCatalog.All.Select(e => new { name = e.Name, description = e.Description }));
                }
                else
                {
                    foreach (var emulator in EmulatorCatalog.All)
                    {
                        invocation.Out.WriteLine($"{emulator.Name,-10} {emulator.Description}");
                    }
                }

                return ExitCodes.Success;
            }

            string available = string.Join(", ", EmulatorCatalog.All.Select(e => e.Name));
            string? requested = parse.GetValue(name);
            if (string.IsNullOrEmpty(requested))
            {
                throw new CommandLineException(ExitCodes.Usage, $"Name the emulator to start: one of {available} (emulate --list describes them).");
            }

            var chosen = EmulatorCatalog.Find(requested)
                ?? throw new CommandLineException(ExitCodes.Usage, $"There is no emulator named '{requested}'; choose one of {available}.");
            int requestedPort = parse.GetValue(port);
            if (requestedPort is < 0 or > 65535)
            {
                throw new CommandLineException(ExitCodes.Usage, $"--port {requestedPort} is not a port; give 1–65535, or 0 for a free port.");
            }

            await using var running = await chosen.StartAsync(new EmulatorStartOptions { Port = requestedPort }, cancellationToken);

            // As serve: SIGTERM is a normal stop (exit 0); Ctrl+C exits 130 as docs/cli.md says.
            using var stop = TerminationSignal.Register(invocation.Environment);
            if (invocation.Json)
            {
                // One line: the emulator keeps running, so a script reads the first line rather than waiting for the end of a document.
                invocation.Out.WriteLine(JsonSerializer.Serialize(
                    new
                    {
                        emulator = running.Name,
                        addresses = running.Addresses.ToDictionary(a => a.Key, a => a.Value.ToString()),
                        settings = running.Settings.ToDictionary(s => s.Key, s => s.Value),
                    },
                    JsonOutput.Compact));
            }
            else
            {
                invocation.Out.WriteLine($"Emulating '{running.Name}' on {running.Addresses[0].Value}. Press Ctrl+C to stop.");
                foreach (var (role, address) in running.Addresses)
                {
                    invocation.Out.WriteLine($"  {role,-12} {address}");
                }

                foreach (var (setting, value) in running.Settings)
                {
                    invocation.Out.WriteLine($"  {setting,-12} {value}");
                }
            }

            await invocation.Out.FlushAsync(CancellationToken.None);

            await stop.WaitAsync(cancellationToken);
            await running.DisposeAsync();
            invocation.Note("Stopped.");
            return stop.Terminated ? ExitCodes.Success : ExitCodes.Cancelled;
        });
        return command;
    }
}
