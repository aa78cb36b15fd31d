namespace Atomiton.Storage.Plugins.FileSystem.TestWorker;

/// <summary>The keys the crash test writes: flat, nested, upper-case, non-ASCII and long ones.</summary>
public static class CrashKeys
{
    public static IReadOnlyList<string> All { get; } = Build();

    public static string Pick(Random random) => All[random.Next(All.Count)];

    private static string[] Build()
    {
        var keys = new List<string>();
        for (int i = 0; i < 16; i++)
        {
            keys.Add($"flat-{i}");
            keys.Add($"nested/{i % 4}/Item-{i}.json");
        }

        keys.Add("CON");
        keys.Add("日本/ファイル");
        keys.Add("trailing./dot.");
        keys.Add(new string('L', 250) + "/" + new string('x', 255));
        return [.. keys];
    }
}
