using System.Text;
using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Hosting.Options;
using Atomiton.Storage.Hosting.Tests.Options.Binding;
using Atomiton.Storage.Hosting.Tests.Providers;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Tests.Options;

/// <summary>Each supported option type, given a value it cannot take, is reported on its option with the expected type; nothing is bound.</summary>
public sealed class StageOptionsBinderTests
{
    private const string Where = "plugins.json: $.stages.s.options";

    [Theory]
    [InlineData("""{ "count": "ten" }""", "count", "'ten' is not a valid whole number for 'count'.")]
    [InlineData("""{ "count": "" }""", "count", "'' is not a valid whole number for 'count'.")]
    [InlineData("""{ "bytes": "1e3" }""", "bytes", "'1e3' is not a valid whole number for 'bytes'.")]
    [InlineData("""{ "small": 70000 }""", "small", "'70000' is not a valid whole number for 'small'.")]
    [InlineData("""{ "limit": "none" }""", "limit", "'none' is not a valid whole number for 'limit'.")]
    [InlineData("""{ "ratio": "half" }""", "ratio", "'half' is not a valid number for 'ratio'.")]
    [InlineData("""{ "price": "cheap" }""", "price", "'cheap' is not a valid number for 'price'.")]
    [InlineData("""{ "weight": "heavy" }""", "weight", "'heavy' is not a valid number for 'weight'.")]
    [InlineData("""{ "enabled": "yes" }""", "enabled", "'yes' is not a valid boolean (true or false) for 'enabled'.")]
    [InlineData("""{ "delay": "soon" }""", "delay", "'soon' is not a valid duration (hh:mm:ss) for 'delay'.")]
    [InlineData("""{ "mode": "Loose" }""", "mode", "'Loose' is not a valid value (one of: Relaxed, Strict) for 'mode'.")]
    [InlineData("""{ "id": "not-a-guid" }""", "id", "'not-a-guid' is not a valid Guid for 'id'.")]
    [InlineData("""{ "count": { "a": 1 } }""", "count", "an object or array is not a valid whole number for 'count'; write a single value.")]
    [InlineData("""{ "count": [1, 2] }""", "count", "an object or array is not a valid whole number for 'count'; write a single value.")]
    [InlineData("""{ "label": { "text": "x" } }""", "label", "an object or array is not a valid string for 'label'; write a single value.")]
    [InlineData("""{ "retry": { "attempts": "many" } }""", "retry", "the given object is not a valid RetryPolicy for 'retry': Failed to convert configuration value 'many' at 'stages:s:options:retry:Attempts' to type 'System.Int32'.")]
    public void Value_the_option_type_cannot_take_is_reported_on_its_option_and_nothing_is_bound(string json, string option, string message)
    {
        var (options, problems) = Bind<TypedOptions>(json);

        Assert.Null(options);
        Assert.Equal($"{Where}.{option} (pipeline 'p', stage 's', option '{option}'): {message}", Assert.Single(problems).ToString());
    }

    [Fact]
    public void Values_of_every_type_bind_when_well_formed()
    {
        var (options, problems) = Bind<TypedOptions>("""
            { "Count": 3, "bytes": 5000000000, "small": -2, "ratio": 0.5, "price": "1.25", "weight": 2.5, "enabled": true,
              "delay": "00:01:30", "mode": "Strict", "limit": 7, "id": "0f8fad5b-d9cb-469f-a165-70867728950e", "label": "x", "retry": { "attempts": 4 } }
            """);

        Assert.Empty(problems);
        var typed = Assert.IsType<TypedOptions>(options);
        Assert.Equal((3, 5_000_000_000L, (short)-2, 0.5, 1.25m, 2.5f, true), (typed.Count, typed.Bytes, typed.Small, typed.Ratio, typed.Price, typed.Weight, typed.Enabled));
        Assert.Equal((TimeSpan.FromSeconds(90), ProbeMode.Strict, (int?)7, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "x", 4),
            (typed.Delay, typed.Mode, typed.Limit, typed.Id, typed.Label, typed.Retry!.Attempts));
    }

    [Fact]
    public void Unresolved_required_secret_is_reported_once_not_also_as_missing()
    {
        string variable = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        var (options, problems) = Bind<SecretOptions>($$"""{ "token": "env:{{variable}}" }""");

        Assert.Null(options);
        var problem = Assert.Single(problems);
        Assert.True(problem.IsMissingSecret);
        Assert.Equal($"{Where}.token (pipeline 'p', stage 's', option 'token'): the environment variable '{variable}' is not set. Set it, or reference a file with file:PATH.", problem.ToString());
    }

    [Fact]
    public void Absent_required_secret_is_reported_by_validation()
    {
        var (options, problems) = Bind<SecretOptions>("{ }");

        Assert.Null(options);
        Assert.Equal($"{Where}.token (pipeline 'p', stage 's', option 'token'): The Token field is required.", Assert.Single(problems).ToString());
    }

    [Fact]
    public void Secret_option_that_is_not_a_string_is_refused_as_a_provider_bug()
    {
        string variable = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        var (options, problems) = Bind<SecretOptions>($$"""{ "token": "env:{{variable}}", "pin": "env:{{variable}}" }""");

        Assert.Null(options);
        Assert.Equal(
            [
                $"{Where}.pin (pipeline 'p', stage 's', option 'pin'): 'pin' is marked as a secret but is of type Int32; the provider must declare secret options as strings.",
                $"{Where}.token (pipeline 'p', stage 's', option 'token'): the environment variable '{variable}' is not set. Set it, or reference a file with file:PATH.",
            ],
            problems.Select(p => p.ToString()).Order(StringComparer.Ordinal));
        Assert.False(problems.Single(p => p.Option == "pin").IsMissingSecret);
    }

    [Fact]
    public void Rule_about_the_whole_options_object_is_reported_on_the_options_section()
    {
        var (options, problems) = Bind<WholeObjectRuleOptions>("""{ "min": 20 }""");

        Assert.Null(options);
        var problem = Assert.Single(problems);
        Assert.Equal("(options)", problem.Option);
        Assert.Equal($"{Where} (pipeline 'p', stage 's', option '(options)'): min must not exceed max.", problem.ToString());
    }

    [Fact]
    public void Options_type_whose_constructor_throws_is_reported_without_binding_anything()
    {
        var (options, problems) = Bind<ThrowingOptions>("""{ "size": 3 }""");

        Assert.Null(options);
        Assert.Equal(
            $"{Where} (pipeline 'p', stage 's', option '(all)'): provider 'binding' could not create its options (Atomiton.Storage.Hosting.Tests.Options.Binding.ThrowingOptions): defaults.json is missing",
            Assert.Single(problems).ToString());
    }

    private static (object? Options, List<ConfigurationProblem> Problems) Bind<TOptions>(string optionsJson)
        where TOptions : class, new()
    {
        var provider = new BindingProvider<TOptions>();
        string json = $$"""{ "stages": { "s": { "type": "{{provider.Name}}", "options": {{optionsJson}} } } }""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var section = configuration.GetSection("stages:s:options");
        var binding = new StageBinding("plugins.json", "p", "s", section, section.Path, provider, "/base");
        var problems = new List<ConfigurationProblem>();
        return (StageOptionsBinder.Bind(binding, problems), problems);
    }
}
