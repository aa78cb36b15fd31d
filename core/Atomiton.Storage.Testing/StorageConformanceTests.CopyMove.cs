namespace Atomiton.Storage.Testing;

// Catalogue 44–47: copy and move.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 44: a copy is independent — same content, content type and metadata, a new ETag; overwriting it leaves the source intact.</summary>
    [Fact]
    public async Task Copy_is_independent_of_its_source()
    {
        var options = new SaveOptions
        {
            ContentType = Supports(StorageCapabilities.ContentType) ? "image/png" : null,
            Metadata = Supports(StorageCapabilities.UserMetadata) ? new Dictionary<string, string> { ["origin"] = "camera" } : null,
        };
        var content = Content(ChunkSize + 9);
        var source = await SaveAsync("photos/original.png", content, options);

        var copy = await Engine.CopyAsync("photos/original.png", "photos/copy.png");

        Assert.Equal("photos/copy.png", copy.Key);
        Assert.Equal(source.Size, copy.Size);
        Assert.Equal(source.ContentType, copy.ContentType);
        Assert.Equal(source.Metadata, copy.Metadata);
        Assert.NotEqual(source.ETag, copy.ETag);
        Assert.Equal(copy, await Engine.StatAsync("photos/copy.png"));
        await AssertContentAsync("photos/copy.png", content);

        await SaveAsync("photos/copy.png", Content(3, seed: 3));
        await AssertContentAsync("photos/original.png", content);
        Assert.Equal(source, await Engine.StatAsync("photos/original.png"));
    }

    /// <summary>Catalogue 45: a copy onto an existing key overwrites it; create-only fails with Conflict and changes nothing.</summary>
    [Fact]
    public async Task Copy_onto_an_existing_key_overwrites_unless_create_only()
    {
        var source = await SaveAsync("src", Content(10, seed: 1));
        var existing = await SaveAsync("dst", Content(20, seed: 2));

        if (Supports(StorageCapabilities.CreateOnly))
        {
            await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.CopyAsync("src", "dst", WriteCondition.IfNotExists));
        }
        else
        {
            await AssertUnsupportedAsync(async () => await Engine.CopyAsync("src", "dst", WriteCondition.IfNotExists), nameof(StorageCapabilities.CreateOnly));
        }

        await AssertUnchangedAsync(existing, Content(20, seed: 2));
        await AssertUnchangedAsync(source, Content(10, seed: 1));

        var copied = await Engine.CopyAsync("src", "dst");
        await AssertContentAsync("dst", Content(10, seed: 1));
        Assert.NotEqual(existing.ETag, copied.ETag);
        if (KeepsCreatedAcrossOverwrites)
        {
            Assert.Equal(existing.Created, copied.Created);
        }
    }

    /// <summary>Catalogue 45: copy with if-match of the destination's current ETag overwrites; a stale one conflicts.</summary>
    [Fact]
    public async Task Copy_with_if_match_checks_the_destination_ETag()
    {
        await SaveAsync("src", Content(10, seed: 1));
        var destination = await SaveAsync("dst", Content(20, seed: 2));
        if (!Supports(StorageCapabilities.ConditionalWrite))
        {
            await AssertUnsupportedAsync(async () => await Engine.CopyAsync("src", "dst", WriteCondition.IfMatch(destination.ETag)), nameof(StorageCapabilities.ConditionalWrite));
            await AssertUnchangedAsync(destination, Content(20, seed: 2));
            return;
        }

        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.CopyAsync("src", "dst", WriteCondition.IfMatch("\"stale\"")));
        await AssertUnchangedAsync(destination, Content(20, seed: 2));

        await Engine.CopyAsync("src", "dst", WriteCondition.IfMatch(destination.ETag));
        await AssertContentAsync("dst", Content(10, seed: 1));
    }

    /// <summary>Catalogue 46: a copy or move onto itself is refused with InvalidArgument and changes nothing.</summary>
    [Fact]
    public async Task Copy_or_move_onto_itself_is_refused_with_InvalidArgument()
    {
        var saved = await SaveAsync("self", Content(4));

        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.CopyAsync("self", "self"), "copy onto itself");
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.MoveAsync("self", "self"), "move onto itself");

        Assert.Equal(saved, await Engine.StatAsync("self"));
        await AssertContentAsync("self", Content(4));
    }

    /// <summary>Catalogue 47: a copy or move of a missing source throws NotFound and creates nothing.</summary>
    [Fact]
    public async Task Copy_or_move_of_missing_source_throws_NotFound()
    {
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.CopyAsync("ghost", "copy"));
        if (Supports(StorageCapabilities.Delete))
        {
            await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.MoveAsync("ghost", "moved"));
        }

        await AssertAbsentAsync("copy");
        await AssertAbsentAsync("moved");
        Assert.Empty(await ListKeysAsync());
    }

    /// <summary>Catalogue 46: the self-transfer check comes first — a copy or move of a missing key onto itself is InvalidArgument, not NotFound.</summary>
    [Fact]
    public async Task Copy_or_move_of_a_missing_key_onto_itself_is_InvalidArgument_before_NotFound()
    {
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.CopyAsync("ghost", "ghost"), "copy of a missing key onto itself");
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.MoveAsync("ghost", "ghost"), "move of a missing key onto itself");
        await AssertAbsentAsync("ghost");
    }

    /// <summary>Catalogue 47: a move into a nested new prefix works: the destination has the content, type and metadata, the source is gone.</summary>
    [Fact]
    public async Task Move_into_a_nested_new_prefix_moves_content_and_removes_the_source()
    {
        var options = new SaveOptions
        {
            ContentType = Supports(StorageCapabilities.ContentType) ? "text/plain" : null,
            Metadata = Supports(StorageCapabilities.UserMetadata) ? new Dictionary<string, string> { ["n"] = "1" } : null,
        };
        var content = Content(33);
        var source = await SaveAsync("inbox/note.txt", content, options);
        if (!Supports(StorageCapabilities.Delete))
        {
            await AssertUnsupportedAsync(async () => await Engine.MoveAsync("inbox/note.txt", "archive/2026/11/note.txt"), nameof(StorageCapabilities.Delete));
            await AssertUnchangedAsync(source, content);
            await AssertAbsentAsync("archive/2026/11/note.txt");
            return;
        }

        var moved = await Engine.MoveAsync("inbox/note.txt", "archive/2026/11/note.txt");

        Assert.Equal("archive/2026/11/note.txt", moved.Key);
        Assert.Equal(source.ContentType, moved.ContentType);
        Assert.Equal(source.Metadata, moved.Metadata);
        Assert.Equal(moved, await Engine.StatAsync("archive/2026/11/note.txt"));
        await AssertContentAsync("archive/2026/11/note.txt", content);
        await AssertAbsentAsync("inbox/note.txt");
        await AssertListedAsync(["archive/2026/11/note.txt"]);
    }

    /// <summary>Catalogue 47: a create-only move onto an existing key fails with Conflict and leaves both objects as they were.</summary>
    [SkippableFact]
    public async Task Create_only_move_onto_an_existing_key_conflicts_and_keeps_both()
    {
        SkipUnless(StorageCapabilities.CreateOnly | StorageCapabilities.Delete, "a create-only move needs both (their refusals are checked by Copy_onto_an_existing_key_overwrites_unless_create_only and Move_into_a_nested_new_prefix_moves_content_and_removes_the_source)");

        var from = await SaveAsync("from", Content(3, seed: 1));
        var to = await SaveAsync("to", Content(3, seed: 2));

        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.MoveAsync("from", "to", WriteCondition.IfNotExists));

        await AssertUnchangedAsync(from, Content(3, seed: 1));
        await AssertUnchangedAsync(to, Content(3, seed: 2));
    }

    /// <summary>Catalogue 47: a move onto an existing key without a condition replaces it.</summary>
    [SkippableFact]
    public async Task Move_onto_an_existing_key_replaces_it()
    {
        SkipUnless(StorageCapabilities.Delete, "a move deletes its source (the refusal is checked by Move_into_a_nested_new_prefix_moves_content_and_removes_the_source)");

        await SaveAsync("from", Content(3, seed: 1));
        await SaveAsync("to", Content(5, seed: 2));

        await Engine.MoveAsync("from", "to");

        await AssertContentAsync("to", Content(3, seed: 1));
        await AssertAbsentAsync("from");
    }
}
