using System.Diagnostics;
using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Auth;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// The <c>onedrive</c> stage through the built CLI, every step a child process: <c>atomiton-storage emulate
/// onedrive</c> serves the Graph drive and its https authority; <c>auth login … --device</c> signs in through
/// MSAL (the test approves the printed code at the emulator's authority, as a user on another device would);
/// then <c>put</c>, <c>get</c>, <c>ls</c>, <c>auth status</c> and <c>auth logout</c>. The commands are
/// docs/providers/onedrive.md's, run verbatim.
/// </summary>
public sealed class OneDriveProcessTests
{
    [Fact]
    public async Task The_documented_commands_sign_in_with_a_device_code_then_put_get_and_ls_against_emulate_onedrive()
    {
        string[] commands = DocumentedCommands();
        Assert.Equal("atomiton-storage emulate onedrive", commands[0]);
        string folder = Path.Combine(Path.GetTempPath(), "atomiton-onedrive-process-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var emulator = Process.Start(HostProcess.StartInfo(folder, Arguments(commands[0])))!;
        try
        {
            var printed = await ReadEmulatorAsync(emulator);
            using var sandbox = new OneDriveSandbox(printed["graphBaseUrl"], printed["authorityHost"], printed["authorityCertificateThumbprint"]);
            await File.WriteAllTextAsync(sandbox.PathOf("hello.txt"), "hello onedrive");
            var results = new List<(string Command, CliResult Result)>();
            foreach (string command in commands.Skip(1))
            {
                var result = command.Contains("--device", StringComparison.Ordinal)
                    ? await sandbox.SignInWithDeviceAsync(approve: true, Arguments(command))
                    : await sandbox.RunAsync(Arguments(command));
                results.Add((command, result));
                if (command.Contains("auth login", StringComparison.Ordinal))
                {
                    // The stage's MSAL token cache is in its credential file, sealed.
                    string sealedText = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(sandbox.CredentialFile));
                    Assert.DoesNotContain("RefreshToken", sealedText, StringComparison.Ordinal);
                }
            }

            Assert.All(results, r => Assert.True(r.Result.ExitCode == 0, $"{r.Command}\n{r.Result}"));
            Assert.Equal("hello onedrive", Output("atomiton-storage get"));
            Assert.Contains("notes/hello.txt", Output("atomiton-storage ls"), StringComparison.Ordinal);
            Assert.Matches(@"photos/onedrive\s+onedrive\s+signed in\s+user@example\.test", Output("atomiton-storage auth status"));
            Assert.StartsWith("Signed out stage 'onedrive' (onedrive) of pipeline 'photos'", Output("atomiton-storage auth logout"), StringComparison.Ordinal);
            var after = await sandbox.RunAsync("auth", "status", "photos/onedrive");
            Assert.Equal(5, after.ExitCode);
            Assert.Matches(@"photos/onedrive\s+onedrive\s+signed out", after.Output);
            foreach (var (command, result) in results)
            {
                // Tokens the emulator issues look like access-…, refresh-…, device-…, code-… (24 random bytes each).
                Assert.DoesNotMatch(@"(access|refresh|device|code)-[A-Za-z0-9_-]{32}", result.Output + result.Error);
            }

            string Output(string prefix) => results.Single(r => r.Command.StartsWith(prefix, StringComparison.Ordinal)).Result.Output;
        }
        finally
        {
            emulator.Kill(entireProcessTree: true);
            await emulator.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads what <c>emulate onedrive</c> prints (its addresses and settings, one per line) up to its last setting.</summary>
    private static async Task<Dictionary<string, string>> ReadEmulatorAsync(Process emulator)
    {
        var printed = new Dictionary<string, string>(StringComparer.Ordinal);
        using var guard = new CancellationTokenSource(AuthSandbox.HangGuard);
        while (!printed.ContainsKey("authorityCertificateThumbprint"))
        {
            string line = await emulator.StandardOutput.ReadLineAsync(guard.Token)
                ?? throw new InvalidOperationException("emulate onedrive ended early: " + await emulator.StandardError.ReadToEndAsync(guard.Token));
            var match = Regex.Match(line, @"^\s+(\S+)\s+(\S+)$");
            if (match.Success)
            {
                printed[match.Groups[1].Value] = match.Groups[2].Value;
            }
        }

        Assert.StartsWith("https://127.0.0.1:", printed["authorityHost"], StringComparison.Ordinal);
        Assert.Matches("^[0-9A-F]{64}$", printed["authorityCertificateThumbprint"]);
        return printed;
    }

    private static string[] Arguments(string command) => command["atomiton-storage ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] DocumentedCommands()
    {
        string text = File.ReadAllText(Path.Combine(BuildPaths.RepositoryRoot, "docs", "providers", "onedrive.md")).ReplaceLineEndings("\n");
        var block = Regex.Match(text, @"run verbatim by a test[^\n]*\n\n```sh\n(?<commands>.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "docs/providers/onedrive.md lost its command block");
        return block.Groups["commands"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
