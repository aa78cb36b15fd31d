using Atomiton.Storage.Plugins.Browser.TestHost;
using Atomiton.Storage.Plugins.Browser.TestHost.Components;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddSingleton<CircuitRegistry>();
builder.Services.AddAtomitonBrowserStorage(builder.Configuration.GetSection("storage"));
builder.Services.AddAtomitonBrowserStorageTransfers();

var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapAtomitonBrowserStorageTransfers();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
