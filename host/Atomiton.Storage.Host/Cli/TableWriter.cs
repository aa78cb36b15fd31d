namespace Atomiton.Storage.Host.Cli;

/// <summary>Prints rows as left-aligned columns, sized to their widest cell; the last column is never padded.</summary>
internal sealed class TableWriter
{
    private readonly List<string[]> _rows = [];

    public TableWriter(params string[] header)
    {
        _rows.Add(header);
    }

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(TextWriter writer)
    {
        int columns = _rows.Max(row => row.Length);
        var widths = new int[columns];
        foreach (var row in _rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in _rows)
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]));
            writer.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }
}
