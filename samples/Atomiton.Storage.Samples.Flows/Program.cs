using Atomiton.Storage.Samples.Flows;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The same plugins.json shape the command-line host reads, here from wwwroot/appsettings.json ("storage").
builder.Services.AddAtomitonBrowserStorage(builder.Configuration.GetSection("storage"));

await builder.Build().RunAsync();
