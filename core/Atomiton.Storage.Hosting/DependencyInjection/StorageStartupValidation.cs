using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Atomiton.Storage.Hosting.DependencyInjection;

/// <summary>
/// Runs <see cref="StorageHost.ValidateForStartup"/> when the application starts: the default
/// pipeline completely, the others except for secrets that are absent (a pipeline not built does
/// not need them). Each problem becomes one failure message naming file, path, pipeline, stage and option.
/// </summary>
internal sealed class StorageStartupValidation(IServiceProvider services) : IValidateOptions<StorageStartupCheck>
{
    public ValidateOptionsResult Validate(string? name, StorageStartupCheck options)
    {
        var problems = services.GetRequiredService<StorageHost>().ValidateForStartup();
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(p => p.ToString()));
    }
}
