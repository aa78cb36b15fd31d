using System.Text.Json;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>What one run of the host printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement;

    public JsonElement ErrorJson() => JsonDocument.Parse(Error).RootElement;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
