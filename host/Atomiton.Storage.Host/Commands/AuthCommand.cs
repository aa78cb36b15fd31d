using System.CommandLine;
using Atomiton.Storage.Host.Auth;
using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Hosting;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>auth login|status|logout</c>: signs a stage whose service signs users in (OAuth) in through its
/// provider's <see cref="IStorageSignInProvider"/>, reports who is signed in where, and signs out
/// (revokes and forgets). Tokens stay in the stage's credential store (docs/credentials.md); nothing
/// printed here — text, <c>--json</c> or <c>--verbose</c> — carries one.
/// </summary>
internal static class AuthCommand
{
    public static Command Create(CommandRunner runner) =>
        new("auth", "Sign stages in to their services (OAuth), see who is signed in where, sign out.")
        {
            Login(runner),
            Status(runner),
            Logout(runner),
        };

    private static Command Login(CommandRunner runner)
    {
        var target = new Argument<string>("pipeline/stage") { Description = "The stage to sign in, such as photos/drive." };
        var device = new Option<bool>("--device") { Description = "Sign in on another device: show an address and a code to enter there (for a machine without a browser)." };
        var paste = new Option<bool>("--paste") { Description = "Sign in without a redirect: open the address shown, then paste the code the service shows (standard input)." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the sign-in address instead of opening a browser (open it on this machine, whose 127.0.0.1 it redirects to)." };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for the browser to come back or for a pasted code. Default: 300.",
            DefaultValueFactory = _ => CommandLineAuthorizationPrompt.DefaultTimeout.TotalSeconds,
        };
        var command = new Command("login", "Sign a stage in: opens a browser (or --device, --paste) and keeps the tokens in the stage's credential store.") { target, device, paste, noBrowser, timeout };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var parse = invocation.ParseResult;
            if (parse.GetValue(device) && parse.GetValue(paste))
            {
                throw new CommandLineException(ExitCodes.Usage, "--device and --paste are two different ways to sign in; give one.");
            }

            double seconds = parse.GetValue(timeout);
            if (!(seconds > 0 && seconds <= 3600))
            {
                throw new CommandLineException(ExitCodes.Usage, "--timeout must be a number of seconds above 0 and at most 3600, such as 300.");
            }

            var (pipeline, stageName) = StageTarget.Parse(parse.GetValue(target)!, stageRequired: true);
            var prompt = new CommandLineAuthorizationPrompt(invocation.Error, invocation.Environment.OpenStandardInput,
                parse.GetValue(noBrowser) ? null : new SystemBrowserLauncher(), TimeSpan.FromSeconds(seconds));
            var (stage, signIn) = StageTarget.Resolve(invocation, pipeline, stageName!, prompt);
            var flow = parse.GetValue(device) ? StorageSignInFlow.DeviceCode
                : parse.GetValue(paste) ? StorageSignInFlow.PastedCode
                : signIn.SignInFlows.Count > 0 ? signIn.SignInFlows[0]
                : throw new CommandLineException(ExitCodes.PluginFailed, $"Provider '{stage.ProviderName}' of {stage} lists no sign-in flow. This is a bug in the provider.");
            if (!signIn.SignInFlows.Contains(flow))
            {
                throw new CommandLineException(ExitCodes.Usage,
                    $"{Capitalized(stage)} cannot sign in by {FlowName(flow)}; it offers: {string.Join(", ", signIn.SignInFlows.Select(FlowName))}. Drop {(flow == StorageSignInFlow.DeviceCode ? "--device" : "--paste")}.");
            }

            var status = await Located(stage, () => signIn.SignInAsync(stage.Options, ForRun(invocation, stage), flow, cancellationToken));
            var view = SignInStatusView.Of(stage, status);
            if (invocation.Json)
            {
                invocation.WriteJson(new { flow = FlowName(flow), status = view });
            }
            else
            {
                invocation.Out.WriteLine($"Signed in {stage}{(view.Account is null ? "" : " as " + view.Account)}" +
                    $"{(view.ExpiresAt is null ? "" : $"; the access token is valid until {view.Expiry}")}{(view.CanRefresh ? " and renews on its own" : "")}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Status(CommandRunner runner)
    {
        var target = new Argument<string?>("pipeline[/stage]")
        {
            Description = "A stage (photos/drive) or a pipeline (photos). Default: every stage of every pipeline that signs in.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("status", "Show who is signed in where and until when (never a token). Exit 5 when the one stage named is not signed in.") { target };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string? given = invocation.ParseResult.GetValue(target);
            var (pipeline, stageName) = given is null ? (null, null) : StageTarget.Parse(given, stageRequired: false);
            var stages = new List<StorageStage>();
            var problems = new List<string>();
            if (stageName is not null)
            {
                stages.Add(StageTarget.Resolve(invocation, pipeline!, stageName, prompt: null).Stage);
            }
            else
            {
                foreach (string name in pipeline is null ? invocation.Source.Host.PipelineNames : [pipeline])
                {
                    try
                    {
                        stages.AddRange(StageTarget.StagesOf(invocation, name, prompt: null).Where(s => s.SignIn is not null));
                    }
                    catch (StorageException e) when (pipeline is null && e.Code == StorageErrorCode.InvalidConfiguration)
                    {
                        problems.Add($"Pipeline '{name}' was skipped: {e.Message}");
                    }
                }
            }

            var views = new List<SignInStatusView>();
            foreach (var stage in stages)
            {
                try
                {
                    views.Add(SignInStatusView.Of(stage, await stage.SignIn!.GetSignInStatusAsync(stage.Options, ForRun(invocation, stage), cancellationToken)));
                }
                catch (StorageException e) when (e.Code is not StorageErrorCode.PluginFailed)
                {
                    views.Add(SignInStatusView.Failed(stage, e));
                }
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { stages = views, problems = problems.Count == 0 ? null : problems });
            }
            else
            {
                WriteTable(invocation, views, pipeline);
                foreach (string problem in problems)
                {
                    invocation.Note(problem);
                }
            }

            return stageName is not null && !views[0].SignedIn ? ExitCodes.Authentication : ExitCodes.Success;
        });
        return command;
    }

    private static Command Logout(CommandRunner runner)
    {
        var target = new Argument<string>("pipeline/stage") { Description = "The stage to sign out, such as photos/drive." };
        var command = new Command("logout", "Sign a stage out: forget its tokens, revoking them at the service where it offers revocation.") { target };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var (pipeline, stageName) = StageTarget.Parse(invocation.ParseResult.GetValue(target)!, stageRequired: true);
            var (stage, signIn) = StageTarget.Resolve(invocation, pipeline, stageName!, prompt: null);
            bool forgotten = await Located(stage, () => signIn.SignOutAsync(stage.Options, ForRun(invocation, stage), cancellationToken));
            if (invocation.Json)
            {
                invocation.WriteJson(new { pipeline = stage.PipelineName, stage = stage.StageName, type = stage.ProviderName, signedOut = forgotten });
            }
            else
            {
                invocation.Out.WriteLine(forgotten
                    ? $"Signed out {stage}: its tokens were forgotten, and revoked at the service where it offers revocation."
                    : $"{Capitalized(stage)} was not signed in; there was nothing to forget.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(Invocation invocation, List<SignInStatusView> views, string? pipeline)
    {
        if (views.Count == 0)
        {
            invocation.Out.WriteLine(pipeline is null
                ? "No stage of any pipeline signs in (none uses a provider whose service signs users in)."
                : $"No stage of pipeline '{pipeline}' signs in.");
            return;
        }

        var table = new TableWriter("STAGE", "TYPE", "STATE", "ACCOUNT", "EXPIRES", "REFRESH", "DETAIL");
        foreach (var view in views)
        {
            table.Add($"{view.Pipeline}/{view.Stage}", view.Type, view.State, view.Account ?? "-", view.Expiry, view.CanRefresh ? "yes" : "no", view.Detail ?? "");
        }

        table.WriteTo(invocation.Out);
    }

    // The stage's context for this run: with --verbose, what the provider logs shows on stderr.
    private static StorageProviderContext ForRun(Invocation invocation, StorageStage stage) =>
        invocation.Verbose ? stage.Context with { Logger = new VerboseStorageLogger(invocation.Error, $"{stage.PipelineName}/{stage.StageName}") } : stage.Context;

    // A provider's error that does not say which stage it is about gets the stage in front.
    private static async Task<T> Located<T>(StorageStage stage, Func<ValueTask<T>> action)
    {
        try
        {
            return await action();
        }
        catch (StorageException e) when (e.Code is not (StorageErrorCode.AuthorizationRequired or StorageErrorCode.PluginFailed))
        {
            throw new StorageException(e.Code, $"{Capitalized(stage)}: {e.Message}", e) { IsTransient = e.IsTransient, Provider = stage.ProviderName, Operation = e.Operation ?? "sign-in" };
        }
    }

    private static string Capitalized(StorageStage stage) => "S" + stage.ToString()[1..];

    private static string FlowName(StorageSignInFlow flow) => flow switch
    {
        StorageSignInFlow.Browser => "browser",
        StorageSignInFlow.DeviceCode => "device",
        StorageSignInFlow.PastedCode => "paste",
        _ => flow.ToString(),
    };
}
