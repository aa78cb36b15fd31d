using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Tests.InProcess;

public sealed class CliEnvironmentTests
{
    [Fact]
    public void The_process_environment_is_the_console_the_current_folder_and_the_users_application_data()
    {
        var environment = CliEnvironment.FromProcess();

        Assert.Same(Console.Out, environment.Out);
        Assert.Same(Console.Error, environment.Error);
        Assert.Equal(Environment.CurrentDirectory, environment.WorkingDirectory);
        Assert.Equal(AppContext.BaseDirectory, environment.ToolDirectory);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "atomiton-storage"),
            environment.UserConfigurationDirectory);
        Assert.True(environment.HandlesTermination);
        Assert.Equal(TimeSpan.FromSeconds(2), environment.ProgressInterval);
        Assert.Same(TimeProvider.System, environment.Time);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_working_folder_not_the_process_one()
    {
        string folder = Path.Combine(Path.GetTempPath(), "atomiton-cli-tests", "wd");
        var other = new CliEnvironment
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            OpenStandardInput = () => Stream.Null,
            OpenStandardOutput = () => Stream.Null,
            WorkingDirectory = folder,
            UserConfigurationDirectory = folder,
            ToolDirectory = folder,
        };

        Assert.Equal(Path.Combine(folder, "a", "b.json"), other.ResolvePath("a/b.json"));
        Assert.Equal(Path.Combine(folder, "c.json"), other.ResolvePath("a/../c.json"));
        string rooted = Path.Combine(Path.GetTempPath(), "elsewhere.json");
        Assert.Equal(rooted, other.ResolvePath(rooted));
        Assert.False(other.HandlesTermination);
    }
}
