<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>MainWindow</name>
    <message>
        <source>k49desk — Kuzushiji-49 hiragana</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confusions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loading TensorFlow…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;run…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;data folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About k49desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model: none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train a model or open a run (File &gt; Open run…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU: {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU only (no GPU)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TensorFlow failed to load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TensorFlow could not be loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About k49desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49).&lt;/p&gt;&lt;p&gt;K49 is CC BY-SA 4.0 — “KMNIST Dataset” (created by CODH), adapted from “Kuzushiji Dataset” (created by NIJL and others), doi:10.20676/00000341.&lt;/p&gt;&lt;p&gt;Hiragana are drawn with IPAexGothic (IPA Font License).&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>k49desk will be in {language} the next time it starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit k49desk?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still running: {tasks}.

Stop and quit? A training run keeps the epochs completed so far.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starter model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings file {path} could not be read; it was set aside as {aside} and k49desk starts with its default settings.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>{s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{h} h {min} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{min} min {s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>estimating time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{duration} left</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
