namespace Atomiton.Storage.Samples.Flows.Server;

/// <summary>Serves the flows WebAssembly app and its files; every other path is the app's index.html.</summary>
public sealed class FlowsServer
{
    /// <summary>The entry point (<c>dotnet run</c>).</summary>
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // The client's files come from its build output (static web assets), in every environment, so one
        // `dotnet run` serves the app without a publish step.
        builder.WebHost.UseStaticWebAssets();
        var app = builder.Build();
        app.UseBlazorFrameworkFiles();
        app.UseStaticFiles();
        app.MapFallbackToFile("index.html");
        app.Run();
    }
}
