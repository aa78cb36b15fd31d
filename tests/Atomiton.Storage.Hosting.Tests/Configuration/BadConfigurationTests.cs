using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

/// <summary>Every configuration error names file, JSON path, pipeline, stage and option, and lists the valid choices.</summary>
public sealed class BadConfigurationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string File => _temp.Combine("plugins.json");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Unknown_stage_type_lists_the_available_types()
    {
        await AssertBuildFails("""{ "stages": { "disk": { "type": "gdrive" } }, "pipelines": { "p": { "chain": ["disk"] } } }""",
            $"{File}: $.stages.disk.type (pipeline 'p', stage 'disk'): unknown provider type 'gdrive'. Available types: buggy, probe, probe-wrapper.");
    }

    [Fact]
    public async Task Literal_secret_is_refused_with_how_to_reference_it_and_without_echoing_it()
    {
        var error = await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "apiKey": "hunter2-literal" } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.apiKey (pipeline 'p', stage 's', option 'apiKey'): 'apiKey' is a secret and must be a reference, not a literal value: write \"env:VARIABLE_NAME\" to read it from an environment variable, or \"file:PATH\" to read it from a file (relative to the configuration file's folder).");
        Assert.DoesNotContain("hunter2-literal", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_referencing_an_unset_variable_fails_the_build_naming_the_variable()
    {
        string variable = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        await AssertBuildFails($$"""{ "stages": { "s": { "type": "probe", "options": { "apiKey": "env:{{variable}}" } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.apiKey (pipeline 'p', stage 's', option 'apiKey'): the environment variable '{variable}' is not set. Set it, or reference a file with file:PATH.");
    }

    [Fact]
    public async Task Secret_referencing_a_missing_file_fails_the_build_naming_the_resolved_path()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "apiKey": "file:secrets/key.txt" } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.apiKey (pipeline 'p', stage 's', option 'apiKey'): the secret file 'secrets/key.txt' (resolved to '{_temp.Combine("secrets", "key.txt")}') does not exist. Create it, or reference an environment variable with env:NAME.");
    }

    [Fact]
    public async Task Unknown_option_lists_the_valid_options()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "sise": 5 } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.sise (pipeline 'p', stage 's', option 'sise'): 'probe' has no option 'sise'. Valid options: apiKey, mode, root, size, tag, ttl.");
    }

    [Fact]
    public async Task A_former_milliseconds_option_names_the_duration_option_that_replaced_it_and_its_value_in_the_new_format()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "ttlMilliseconds": 1500 } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.ttlMilliseconds (pipeline 'p', stage 's', option 'ttlMilliseconds'): 'probe' has no option 'ttlMilliseconds' any more: durations are now written as \"hh:mm:ss\" or \"hh:mm:ss.fff\" under 'ttl'. Replace it with \"ttl\": \"00:00:01.500\".");
    }

    [Fact]
    public async Task Out_of_range_option_is_refused_by_DataAnnotations_before_anything_is_built()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "size": 500 } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.size (pipeline 'p', stage 's', option 'size'): The field Size must be between 1 and 100.");
    }

    [Fact]
    public async Task Cross_field_rule_of_IValidatableObject_is_reported_on_its_option()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "mode": "Strict" } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.root (pipeline 'p', stage 's', option 'root'): root is required when mode is Strict.");
    }

    [Fact]
    public async Task Value_of_the_wrong_type_names_the_expected_type()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "size": "many" } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.size (pipeline 'p', stage 's', option 'size'): 'many' is not a valid whole number for 'size'.");
    }

    [Fact]
    public async Task Unknown_enum_value_lists_the_valid_values()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "mode": "Loose" } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.options.mode (pipeline 'p', stage 's', option 'mode'): 'Loose' is not a valid value (one of: Relaxed, Strict) for 'mode'.");
    }

    [Fact]
    public async Task Chain_ending_with_a_wrapper_is_refused_listing_the_backends()
    {
        await AssertBuildFails("""{ "pipelines": { "p": { "chain": ["probe-wrapper"] } } }""",
            $"{File}: $.pipelines.p.chain[0] (pipeline 'p', stage 'probe-wrapper'): the chain must end with a backend, but 'probe-wrapper' (probe-wrapper) is a wrapper. Add a backend at the end; available backends: buggy, probe.");
    }

    [Fact]
    public async Task Backend_above_the_bottom_of_the_chain_is_refused()
    {
        await AssertBuildFails("""{ "stages": { "a": { "type": "probe" } }, "pipelines": { "p": { "chain": ["a", "probe"] } } }""",
            $"{File}: $.pipelines.p.chain[0] (pipeline 'p', stage 'a'): 'a' (probe) is a backend, and a pipeline has exactly one backend, at the bottom (the last element of the chain). Move it to the end or remove it.");
    }

    [Fact]
    public async Task Chain_element_that_is_neither_stage_nor_type_lists_both()
    {
        await AssertBuildFails("""{ "stages": { "s": { "type": "probe" } }, "pipelines": { "p": { "chain": ["nope"] } } }""",
            $"{File}: $.pipelines.p.chain[0] (pipeline 'p', stage 'nope'): 'nope' is neither a declared stage nor an available provider type. Declared stages: s. Available types: buggy, probe, probe-wrapper.");
    }

    [Fact]
    public async Task Stage_repeated_in_a_chain_is_refused()
    {
        await AssertBuildFails("""{ "stages": { "w": { "type": "probe-wrapper" } }, "pipelines": { "p": { "chain": ["w", "w", "probe"] } } }""",
            $"{File}: $.pipelines.p.chain[1] (pipeline 'p', stage 'w'): 'w' appears more than once in the chain; a stage wraps the one after it, so each may appear only once. Declare a second stage with another name.");
    }

    [Fact]
    public async Task Stage_without_a_type_lists_the_available_types()
    {
        await AssertBuildFails("""{ "stages": { "s": { "options": { "size": 2 } } }, "pipelines": { "p": { "chain": ["s"] } } }""",
            $"{File}: $.stages.s.type (pipeline 'p', stage 's'): stage 's' has no type. Available types: buggy, probe, probe-wrapper.");
    }

    [Fact]
    public async Task Empty_chain_is_refused()
    {
        await AssertBuildFails("""{ "pipelines": { "p": { "chain": [] } } }""",
            $"{File}: $.pipelines.p.chain (pipeline 'p'): the chain is empty. List the stages outermost first, ending with a backend, for example [\"cache\", \"disk\"].");
    }

    [Fact]
    public async Task Chain_written_as_a_string_in_the_file_is_refused_at_the_chain()
    {
        using var host = TestHosts.Create(_temp, """{ "stages": { "s": { "type": "probe" } }, "pipelines": { "p": { "chain": "s" } } }""");
        string expected = $"{File}: $.pipelines.p.chain (pipeline 'p'): the chain is a string; write it as a list, outermost stage first: \"chain\": [\"s\"]. (Only an environment variable, which cannot hold a list, gives a chain as one value.)";

        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildPipelineAsync("p").AsTask());

        Assert.Equal(expected, error.Message);
        Assert.Equal(expected, Assert.Single(host.Validate()).ToString());
        Assert.Equal(expected, Assert.Single(host.Validate("p")).ToString());
    }

    [Fact]
    public async Task Undeclared_default_pipeline_without_any_pipelines_says_none_are_declared()
    {
        using var host = TestHosts.Create(_temp, """{ "defaultPipeline": "main" }""");

        var problem = Assert.Single(host.Validate());
        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildDefaultPipelineAsync().AsTask());

        Assert.Equal($"{File}: $.defaultPipeline (pipeline 'main'): the default pipeline 'main' is not declared: pipelines declares none. Declare it under pipelines, such as \"main\": {{ \"chain\": [\"memory\"] }}.", problem.ToString());
        Assert.Equal(problem.ToString(), error.Message);
        Assert.DoesNotContain("(none)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undeclared_default_pipeline_is_reported_by_validate_and_by_the_build()
    {
        using var host = TestHosts.Create(_temp, """{ "defaultPipeline": "main", "pipelines": { "p": { "chain": ["probe"] } } }""");

        var problem = Assert.Single(host.Validate());
        Assert.Equal($"{File}: $.defaultPipeline (pipeline 'main'): the default pipeline 'main' is not declared under pipelines. Declared pipelines: p.", problem.ToString());
        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildDefaultPipelineAsync().AsTask());
        Assert.Equal($"{File}: $.defaultPipeline (pipeline 'main'): the default pipeline 'main' is not declared under pipelines. Declared pipelines: p.", error.Message);
    }

    [Fact]
    public async Task Pipelines_that_build_each_other_in_a_cycle_are_refused()
    {
        await AssertBuildFails("""{ "stages": { "w": { "type": "probe-wrapper", "options": { "alsoBuild": "p" } } }, "pipelines": { "p": { "chain": ["w", "probe"] } } }""",
            $"{File}: $.pipelines.p (pipeline 'p'): pipelines refer to each other in a cycle: p → p. Break the cycle.",
            foundByValidate: false);
    }

    [Fact]
    public async Task Several_problems_are_reported_together()
    {
        var error = await AssertBuildFails("""{ "stages": { "s": { "type": "probe", "options": { "size": 0, "colour": "red" } } }, "pipelines": { "p": { "chain": ["s"] } } }""", null);

        Assert.StartsWith("Pipeline 'p' cannot be built (2 problems):", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{File}: $.stages.s.options.colour (pipeline 'p', stage 's', option 'colour'): 'probe' has no option 'colour'.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{File}: $.stages.s.options.size (pipeline 'p', stage 's', option 'size'): The field Size must be between 1 and 100.", error.Message, StringComparison.Ordinal);
    }

    /// <param name="foundByValidate">Whether Validate finds it without building (a cycle through ResolvePipeline shows only when built).</param>
    private async Task<StorageException> AssertBuildFails(string json, string? expectedMessage, bool foundByValidate = true)
    {
        using var host = TestHosts.Create(_temp, json);
        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildPipelineAsync("p").AsTask());
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        if (expectedMessage is not null)
        {
            Assert.Equal(expectedMessage, error.Message);
            if (foundByValidate)
            {
                Assert.Contains(host.Validate("p"), p => p.ToString() == expectedMessage);
            }
        }

        return error;
    }
}
