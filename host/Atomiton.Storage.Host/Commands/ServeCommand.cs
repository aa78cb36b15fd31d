using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Host.Cli;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>serve</c>: serves a pipeline over the Atomiton Cloud REST API until Ctrl+C (see docs/cloud-api.md).</summary>
internal static class ServeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = "Where to listen, such as http://127.0.0.1:8080 (port 0 picks a free port; https:// needs a certificate, see docs/cloud-api.md). Repeat for several.",
            DefaultValueFactory = _ => ["http://127.0.0.1:8080"],
        };
        var keys = CloudKeysFileOption.Create();
        var uploads = new Option<string?>("--upload-dir") { Description = "Where unfinished upload sessions keep their bytes (survives restarts). Default: a private folder beside the key file (cloud-keys.json -> cloud-keys.uploads)." };
        var rateLimit = new Option<int>("--rate-limit")
        {
            Description = "Requests per second each key may make; 0 for no limit. Default: 600.",
            DefaultValueFactory = _ => 600,
        };
        var maxBody = new Option<long>("--max-request-body")
        {
            Description = "The largest single request body in bytes (bigger objects use upload sessions). Default: 16 MiB.",
            DefaultValueFactory = _ => 16L * 1024 * 1024,
        };
        var database = CloudDatabaseOption.Create();
        var command = new Command("serve", "Serve a pipeline (--pipeline) over the Atomiton Cloud REST API until Ctrl+C.") { urls, keys, database, uploads, rateLimit, maxBody };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            if (parse.GetValue(rateLimit) < 0 || parse.GetValue(maxBody) <= 0)
            {
                throw new CommandLineException(ExitCodes.Usage, "--rate-limit must be 0 or more and --max-request-body more than 0.");
            }

            foreach (var url in parse.GetValue(urls)!)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
                {
                    throw new CommandLineException(ExitCodes.Usage, $"--urls '{url}' is not an http:// or https:// address; give one such as http://127.0.0.1:8080 (port 0 picks a free port).");
                }
            }

            string? uploadDirectory = parse.GetValue(uploads) is { } given ? invocation.ResolvePath(given) : null;
            string? connectionString = CloudDatabaseOption.Resolve(database, invocation);
            if (connectionString is not null && (parse.GetResult(keys) is { Implicit: false } || uploadDirectory is not null))
            {
                throw new CommandLineException(ExitCodes.Usage, "With --database the keys and upload sessions live in the database: leave out --keys and --upload-dir.");
            }

            await using var cloudDatabase = connectionString is null ? null : await CloudDatabaseOption.OpenAsync(connectionString, cancellationToken);
            var store = cloudDatabase is null ? new ApiKeyStore(invocation.ResolvePath(parse.GetValue(keys)!)) : null;
            int active = store is not null
                ? store.List().Count(k => !k.IsRevoked)
                : (await cloudDatabase!.ListKeysAsync(cancellationToken)).Count(k => !k.IsRevoked);
            string keySource = store?.FilePath ?? "the database";
            if (active == 0)
            {
                invocation.Error.WriteLine($"warning: {keySource} holds no valid key, so every request will be refused with 401. Create one with 'atomiton-storage cloud keys create --tenant <prefix>{(store is null ? " --database ..." : "")}'.");
            }

            string pipeline = invocation.Source.ResolveName(invocation.Pipeline);
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var options = new CloudServerOptions
            {
                Keys = store,
                Database = cloudDatabase,
                RateLimitPermits = parse.GetValue(rateLimit) is > 0 and var permits ? permits : null,
                MaxRequestBodySize = parse.GetValue(maxBody),
                ConfigureLogging = logging => logging
                    .AddSimpleConsole(console => console.SingleLine = true)
                    .AddFilter(level => level >= (invocation.Verbose ? LogLevel.Information : LogLevel.Warning)),
            };
            if (uploadDirectory is not null)
            {
                options.UploadDirectory = uploadDirectory;
            }

            options.Urls.Clear();
            foreach (var url in parse.GetValue(urls)!)
            {
                options.Urls.Add(url);
            }

            await using var server = await CloudServer.StartAsync(engine, options, cancellationToken);

            // SIGTERM is how a service manager stops the server: a normal end (exit 0). Ctrl+C
            // (SIGINT), like cancelling any other command, exits 130 as docs/cli.md says.
            using var stop = TerminationSignal.Register(invocation.Environment);
            if (invocation.Json)
            {
                // One line, as documented: the server keeps running, so a script reads the first line rather than waiting for the end of a document.
                invocation.Out.WriteLine(JsonSerializer.Serialize(new { pipeline, urls = server.Addresses.Select(a => a.ToString()), keys = keySource, validKeys = active }, JsonOutput.Compact));
            }
            else
            {
                invocation.Out.WriteLine($"Serving pipeline '{pipeline}' on {string.Join(", ", server.Addresses)} (keys: {keySource}, {active} valid). Press Ctrl+C to stop.");
            }

            await invocation.Out.FlushAsync(CancellationToken.None);

            // Until Ctrl+C (the command's token) or SIGTERM; then stop accepting requests and let those in flight finish briefly.
            await stop.WaitAsync(cancellationToken);

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(grace.Token);
            invocation.Note("Stopped.");
            return stop.Terminated ? ExitCodes.Success : ExitCodes.Cancelled;
        });
        return command;
    }
}
