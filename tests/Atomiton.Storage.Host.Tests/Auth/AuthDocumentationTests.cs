using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.Auth;

/// <summary>The example commands of docs/cli.md's auth section, run verbatim against the loopback authority (the test approves the device code).</summary>
public sealed class AuthDocumentationTests
{
    [Fact]
    public async Task The_documented_auth_commands_run_as_written()
    {
        string[] commands = DocumentedCommands();
        Assert.Equal(5, commands.Length);
        await using var sandbox = await AuthSandbox.CreateAsync();
        var results = new List<(string Command, CliResult Result)>();

        foreach (string command in commands)
        {
            string[] arguments = command["atomiton-storage ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            await using var run = sandbox.Start(arguments);
            if (arguments.Contains("--device"))
            {
                string line = await run.ErrorLineAsync(l => l.StartsWith("To sign in, open ", StringComparison.Ordinal));
                Assert.True(sandbox.Authority.State.Decide(AuthSandbox.UserCode(line), approve: true), line);
            }

            results.Add((command, await run.WaitAsync()));
        }

        Assert.All(results, r => Assert.True(r.Result.ExitCode == 0, $"{r.Command}\n{r.Result}"));
        Assert.Matches(@"photos/drive\s+oauth-probe\s+signed in\s+user@example\.test", results[1].Result.Output);
        Assert.Equal("user@example.test", results[2].Result.Json().GetProperty("stages")[0].GetProperty("account").GetString());
        Assert.StartsWith("Signed out stage 'drive' (oauth-probe) of pipeline 'photos'", results[4].Result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sign_in_provider_in_writing_a_plugin_is_the_test_plugin_code()
    {
        string root = BuildPaths.RepositoryRoot;
        string text = File.ReadAllText(Path.Combine(root, "docs", "writing-a-plugin.md")).ReplaceLineEndings("\n");
        string code = File.ReadAllText(Path.Combine(root, "tests", "TestPlugins", "OAuthPlugin", "OAuthProbeProvider.cs")).ReplaceLineEndings("\n");

        var block = Regex.Match(text, @"so it compiles:\n\n```csharp\n(?<code>.*?)```", RegexOptions.Singleline);

        Assert.True(block.Success, "docs/writing-a-plugin.md lost its sign-in provider example");
        Assert.Equal(code, block.Groups["code"].Value);
    }

    private static string[] DocumentedCommands()
    {
        string text = File.ReadAllText(Path.Combine(BuildPaths.RepositoryRoot, "docs", "cli.md"));
        var block = Regex.Match(text, @"run verbatim by a test,\s+against the loopback authority[^\n]*\n\n```sh\n(?<commands>.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "docs/cli.md lost its auth example block");
        return block.Groups["commands"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
