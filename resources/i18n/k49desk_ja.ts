<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ActivePredictor</name>
    <message>
        <source>Model: {name} — loads once TensorFlow is ready…</source>
        <translation>モデル: {name} — TensorFlow の準備ができ次第読み込みます…</translation>
    </message>
    <message>
        <source>Loading model “{name}”…</source>
        <translation>モデル「{name}」を読み込み中…</translation>
    </message>
    <message>
        <source>Model: {name} — loading “{new}”…</source>
        <translation>モデル: {name} — 「{new}」を読み込み中…</translation>
    </message>
    <message>
        <source>load model {name}</source>
        <translation>モデル {name} の読み込み</translation>
    </message>
    <message>
        <source>Model: {name}</source>
        <translation>モデル: {name}</translation>
    </message>
    <message>
        <source>Could not load model “{name}”: {error}</source>
        <translation>モデル「{name}」を読み込めませんでした: {error}</translation>
    </message>
    <message>
        <source>No model yet: the starter model is missing ({path}). Train a model in the Train tab or open a run to predict.</source>
        <translation>モデルがまだありません: 初期モデルが見つかりません ({path})。予測するには「学習」タブでモデルを学習するか、学習結果を開いてください。</translation>
    </message>
    <message>
        <source>No model is active. Train a model in the Train tab or open a run to predict.</source>
        <translation>使用中のモデルがありません。予測するには「学習」タブでモデルを学習するか、学習結果を開いてください。</translation>
    </message>
</context>
<context>
    <name>CandidateList</name>
    <message>
        <source>Loading model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <source>No model to predict with</source>
        <translation>予測に使うモデルがありません</translation>
    </message>
    <message>
        <source>The model is unsure: its best guess, {char}, has only {p}. Check the other candidates.</source>
        <translation>モデルは確信がありません: 第1候補「{char}」でも {p} しかありません。ほかの候補も確かめてください。</translation>
    </message>
    <message>
        <source>Click a candidate to copy the character to the clipboard</source>
        <translation>候補をクリックすると、その文字をクリップボードにコピーします</translation>
    </message>
    <message>
        <source>{label}, {codepoint}: {p}. Click to copy {char}.</source>
        <translation>{label}、{codepoint}: {p}。クリックで「{char}」をコピーします。</translation>
    </message>
    <message>
        <source>Copied {label} to the clipboard</source>
        <translation>「{label}」をクリップボードにコピーしました</translation>
    </message>
</context>
<context>
    <name>CharacterPicker</name>
    <message>
        <source>Type romaji (e.g. nu), then Enter</source>
        <translation>ローマ字を入力して Enter (例: nu)</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrixPlot</name>
    <message>
        <source>Counts</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Row-normalised (recall on the diagonal)</source>
        <translation>行ごとに正規化 (対角成分が再現率)</translation>
    </message>
    <message>
        <source>Counts of test images, or each row divided by the number of images of that character</source>
        <translation>テスト画像の件数、または各行をその文字の画像数で割った割合</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>予測</translation>
    </message>
    <message>
        <source>True</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>share of the row (true character)</source>
        <translation>行 (正解の文字) に占める割合</translation>
    </message>
    <message>
        <source>test images (log scale)</source>
        <translation>テスト画像数 (対数目盛)</translation>
    </message>
    <message>
        <source>Confusion matrix · {model} on {data}</source>
        <translation>混同行列 · {model} / {data}</translation>
    </message>
    <message>
        <source>{true} read correctly: {count}</source>
        <translation>「{true}」を正しく認識: {count}</translation>
    </message>
    <message>
        <source>true {true} read as {pred}: {count}</source>
        <translation>正解「{true}」を「{pred}」と誤読: {count}</translation>
    </message>
</context>
<context>
    <name>ConfusionsTab</name>
    <message>
        <source>Filter: ふ or fu</source>
        <translation>絞り込み: ふ または fu</translation>
    </message>
    <message>
        <source>A character or its romaji (ふ, fu) matches either side; two (ふ ぬ) match a pair</source>
        <translation>文字かローマ字 (ふ、fu) で正解・予測のどちらかに一致、2文字 (ふ ぬ) で組に一致</translation>
    </message>
    <message>
        <source>Evaluate a model to see which characters it confuses.</source>
        <translation>モデルを評価すると、どの文字を取り違えるかが分かります。</translation>
    </message>
    <message>
        <source>Image size (Ctrl+wheel over the images)</source>
        <translation>画像の大きさ (画像の上で Ctrl+ホイール)</translation>
    </message>
    <message>
        <source>Read correctly</source>
        <translation>正しく読めた画像</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>Scan the training set (cross-validated: where label errors matter most)</source>
        <translation>学習データを調べる (交差検証: ラベル誤りが最も影響する所)</translation>
    </message>
    <message>
        <source>Confused pairs</source>
        <translation>取り違えた組</translation>
    </message>
    <message>
        <source>Suspicious labels</source>
        <translation>疑わしいラベル</translation>
    </message>
    <message>
        <source>Choose a pair or type a character to see the test images behind it.</source>
        <translation>組を選ぶか文字を入力すると、該当するテスト画像を表示します。</translation>
    </message>
    <message>
        <source>No character matches the filter</source>
        <translation>絞り込みに一致する文字がありません</translation>
    </message>
    <message>
        <source>{shown} of {total} confused pairs</source>
        <translation>取り違えた組 {total} 件中 {shown} 件</translation>
    </message>
    <message>
        <source>{first} {p1}
2nd {second} {p2}</source>
        <translation>{first} {p1}
次点 {second} {p2}</translation>
    </message>
    <message>
        <source>{true} read as {pred}: {n} test images ({rate} of {char})</source>
        <translation>「{true}」を「{pred}」と誤読: テスト画像 {n} 枚 (「{char}」の {rate})</translation>
    </message>
    <message>
        <source>{label}: {n} misread test images, by what the model read</source>
        <translation>「{label}」: 誤読したテスト画像 {n} 枚 (モデルが読んだ文字ごと)</translation>
    </message>
    <message>
        <source>{label} read correctly: none among the test images</source>
        <translation>「{label}」を正しく認識: テスト画像にはありません</translation>
    </message>
    <message>
        <source>The test images of {data}, the label {model} disputes most first (label quality from the evaluation&apos;s probabilities): {total} candidates for a person to check, {flagged} flagged by confident learning.</source>
        <translation>{data} のテスト画像を、{model} が付与ラベルに最も強く異を唱えるものから順に表示 (評価の確率によるラベル品質): 人が確認すべき候補 {total} 件、うち confident learning による検出 {flagged} 件。</translation>
    </message>
    <message>
        <source>The training images, the label the cross-validated models dispute most first: {total} candidates for a person to check, {flagged} flagged by confident learning.</source>
        <translation>学習画像を、交差検証モデルがラベルに最も強く異を唱えるものから順に表示: 人が確認すべき候補 {total} 件、うち confident learning による検出 {flagged} 件。</translation>
    </message>
    <message>
        <source>read as {label}: {n}</source>
        <translation>「{label}」と誤読: {n}</translation>
    </message>
    <message>
        <source>A worked example: test images of ふ (fu) the model read as ぬ (nu)</source>
        <translation>作例: モデルが「ぬ」と読んだ「ふ」のテスト画像</translation>
    </message>
    <message>
        <source>{label} read correctly</source>
        <translation>「{label}」を正しく認識</translation>
    </message>
    <message>
        <source>For comparison, images the model read correctly:</source>
        <translation>比較用に、モデルが正しく読めた画像:</translation>
    </message>
    <message>
        <source>Evaluate a model to see the test images whose labels it disputes.</source>
        <translation>モデルを評価すると、モデルがラベルに異を唱えるテスト画像を表示します。</translation>
    </message>
    <message>
        <source>Test images of {0}: {1}.</source>
        <translation>{0} のテスト画像: {1}.</translation>
    </message>
    <message>
        <source>Looking for suspicious labels…</source>
        <translation>疑わしいラベルを探しています…</translation>
    </message>
    <message>
        <source>find suspicious labels</source>
        <translation>疑わしいラベルの検出</translation>
    </message>
</context>
<context>
    <name>CropView</name>
    <message>
        <source>Open, paste (Ctrl+V) or drop a photo or scan of a character</source>
        <translation>文字の写真やスキャン画像を開く・貼り付ける (Ctrl+V)・ドロップする</translation>
    </message>
</context>
<context>
    <name>DataTab</name>
    <message>
        <source>Choose folder…</source>
        <translation>フォルダを選択…</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>データフォルダ:</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>有無</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Download K49</source>
        <translation>K49 をダウンロード</translation>
    </message>
    <message>
        <source>Download the five official files from {url}</source>
        <translation>公式の5ファイルを {url} からダウンロードします</translation>
    </message>
    <message>
        <source>Create practice set…</source>
        <translation>練習用データを作成…</translation>
    </message>
    <message>
        <source>Render a K49-format practice set from fonts (offline; not K49)</source>
        <translation>フォントから K49 形式の練習用データを作成します (オフライン、K49 ではありません)</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>読み込み</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>&lt;b&gt;Welcome.&lt;/b&gt; No data is here yet. Three ways to start:</source>
        <translation>&lt;b&gt;ようこそ。&lt;/b&gt;まだデータがありません。始め方は3通りです:</translation>
    </message>
    <message>
        <source>Draw now</source>
        <translation>今すぐ書く</translation>
    </message>
    <message>
        <source>Download K49 ({size})</source>
        <translation>K49 をダウンロード ({size})</translation>
    </message>
    <message>
        <source>Make a practice set…</source>
        <translation>練習用データを作成…</translation>
    </message>
    <message>
        <source>Write a hiragana with the mouse or a pen in the Draw tab: the starter model (trained on fonts, kuzushiji variant forms from fonts and pen strokes, not on K49) reads it at once. No data needed.</source>
        <translation>「手書き」タブでマウスかペンでひらがなを書くと、初期モデル (フォント、フォントから描いたくずし字の異体、ペン書きの筆跡で学習。K49 ではありません) がすぐに読み取ります。データは要りません。</translation>
    </message>
    <message>
        <source>The real Kuzushiji-49: 270,912 images of 49 classes to train and evaluate on, from the official site (needs a network; resumes, verifies checksums).</source>
        <translation>本物の Kuzushiji-49: 学習・評価用の 49 クラス 270,912 枚を公式サイトから取得 (ネットワークが必要。中断から再開し、チェックサムを検証します)。</translation>
    </message>
    <message>
        <source>Works offline: a K49-format set rendered from the fonts on this computer (and pen strokes, with KanjiVG) to try training on. Not K49: figures measured on it say so.</source>
        <translation>オフラインで使えます: このコンピュータのフォント (と KanjiVG によるペン書きの筆跡) から作る K49 形式のデータで、学習を試せます。K49 ではなく、これで測った数値にもそう表示します。</translation>
    </message>
    <message>
        <source>No data loaded.</source>
        <translation>データが読み込まれていません。</translation>
    </message>
    <message>
        <source>The class distribution appears here once data is loaded.</source>
        <translation>データを読み込むと、ここにクラスの分布が表示されます。</translation>
    </message>
    <message>
        <source>Choose a K49-format data folder</source>
        <translation>K49 形式のデータフォルダを選択</translation>
    </message>
    <message>
        <source>check data files</source>
        <translation>データファイルの確認</translation>
    </message>
    <message>
        <source>{n} bytes</source>
        <translation>{n} バイト</translation>
    </message>
    <message>
        <source>checking checksum…</source>
        <translation>チェックサムを確認中…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>problem</source>
        <translation>問題あり</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>あり</translation>
    </message>
    <message>
        <source>no</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>{work} failed.</source>
        <translation>{work}に失敗しました。</translation>
    </message>
    <message>
        <source>{work} failed</source>
        <translation>{work}に失敗しました</translation>
    </message>
    <message>
        <source>Without the network you can still make a practice set: it is rendered here, offline (not K49).</source>
        <translation>ネットワークがなくても練習用データは作れます: このコンピュータでオフラインで作成します (K49 ではありません)。</translation>
    </message>
    <message>
        <source>{work}: cancelled.</source>
        <translation>{work}: キャンセルしました。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>The folder lacks some of the five K49 files</source>
        <translation>このフォルダには K49 の5ファイルの一部がありません</translation>
    </message>
    <message>
        <source>Connecting to {url}…</source>
        <translation>{url} に接続中…</translation>
    </message>
    <message>
        <source>download</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <source>file {n} of {count}</source>
        <translation>ファイル {n}/{count}</translation>
    </message>
    <message>
        <source>{size}/s</source>
        <translation>{size}/秒</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>開始中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>{file}: {done} of {total} · {speed} · {left}</source>
        <translation>{file}: {done} / {total} · {speed} · {left}</translation>
    </message>
    <message>
        <source>Downloaded and verified {n} files.</source>
        <translation>{n} 個のファイルをダウンロードして検証しました。</translation>
    </message>
    <message>
        <source>Rendering a practice set into {folder}…</source>
        <translation>練習用データを {folder} に作成中…</translation>
    </message>
    <message>
        <source>create practice set</source>
        <translation>練習用データの作成</translation>
    </message>
    <message>
        <source>Practice set: {stage} ({done} of {total})</source>
        <translation>練習用データ: {stage} ({done}/{total})</translation>
    </message>
    <message>
        <source>Practice set written to {folder}.</source>
        <translation>練習用データを {folder} に書き出しました。</translation>
    </message>
    <message>
        <source>Loading {folder}…</source>
        <translation>{folder} を読み込み中…</translation>
    </message>
    <message>
        <source>load data</source>
        <translation>データの読み込み</translation>
    </message>
    <message>
        <source>Loading {file}…</source>
        <translation>{file} を読み込み中…</translation>
    </message>
    <message>
        <source>Loaded {name} from {folder}.</source>
        <translation>{name} を {folder} から読み込みました。</translation>
    </message>
    <message>
        <source>fonts and pen strokes</source>
        <translation>フォントとペン書きの筆跡</translation>
    </message>
    <message>
        <source>fonts</source>
        <translation>フォント</translation>
    </message>
    <message>
        <source>pen strokes</source>
        <translation>ペン書きの筆跡</translation>
    </message>
    <message>
        <source>PRACTICE SET — not K49: generated from {sources}; figures measured on it say nothing about K49</source>
        <translation>練習用データ — K49 ではありません: {sources}から生成。これで測った数値は K49 について何も示しません</translation>
    </message>
    <message>
        <source>Warning: {warning}.</source>
        <translation>警告: {warning}.</translation>
    </message>
    <message>
        <source>{name}: {train} training and {test} test images, {classes} classes — from {folder}</source>
        <translation>{name}: 学習画像 {train} 枚、テスト画像 {test} 枚、{classes} クラス — {folder}</translation>
    </message>
    <message>
        <source>{name}: training set, {n} images</source>
        <translation>{name}: 学習データ、{n} 枚</translation>
    </message>
    <message>
        <source>{name}: test set, {n} images</source>
        <translation>{name}: テストデータ、{n} 枚</translation>
    </message>
    <message>
        <source>images</source>
        <translation>画像数</translation>
    </message>
</context>
<context>
    <name>DrawCanvas</name>
    <message>
        <source>Drawing canvas</source>
        <translation>手書きキャンバス</translation>
    </message>
    <message>
        <source>Draw one hiragana with the mouse or a pen. Ctrl+Z undoes a stroke, Esc clears.</source>
        <translation>マウスかペンでひらがなを1文字書いてください。Ctrl+Z で一画戻し、Esc で消去します。</translation>
    </message>
</context>
<context>
    <name>DrawTab</name>
    <message>
        <source>Width of the pen on the canvas (the model always sees K49&apos;s stroke width)</source>
        <translation>キャンバス上のペンの太さ (モデルには常に K49 の線幅で渡します)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Remove the last stroke (Ctrl+Z)</source>
        <translation>最後の一画を消す (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>消去</translation>
    </message>
    <message>
        <source>Remove every stroke (Esc)</source>
        <translation>すべての画を消す (Esc)</translation>
    </message>
    <message>
        <source>The 28×28 image the model is given: white ink on black, framed like K49</source>
        <translation>モデルに渡す 28×28 の画像: 黒地に白、K49 と同じ枠取り</translation>
    </message>
    <message>
        <source>Show what the model looks at</source>
        <translation>モデルの注目箇所を表示</translation>
    </message>
    <message>
        <source>Heat overlay on the preview, live while drawing ({legend})</source>
        <translation>プレビューにヒートマップを重ね、書きながら更新します ({legend})</translation>
    </message>
    <message>
        <source>Pen width</source>
        <translation>ペンの太さ</translation>
    </message>
    <message>
        <source>Teach it your hand</source>
        <translation>自分の字を教える</translation>
    </message>
    <message>
        <source>What the model sees</source>
        <translation>モデルが見ている画像</translation>
    </message>
    <message>
        <source>Top {k} candidates</source>
        <translation>上位 {k} 候補</translation>
    </message>
    <message>
        <source>Nothing drawn</source>
        <translation>何も書かれていません</translation>
    </message>
    <message>
        <source>Draw a character</source>
        <translation>文字を書いてください</translation>
    </message>
    <message>
        <source>rasterise + predict: {ms} ms</source>
        <translation>ラスタライズ + 予測: {ms} ms</translation>
    </message>
    <message>
        <source>overlay: {error}</source>
        <translation>ヒートマップ: {error}</translation>
    </message>
</context>
<context>
    <name>EvaluateTab</name>
    <message>
        <source>Confusion matrix</source>
        <translation>混同行列</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>クラス別</translation>
    </message>
    <message>
        <source>Precision vs recall</source>
        <translation>適合率と再現率</translation>
    </message>
    <message>
        <source>Press &lt;b&gt;Evaluate&lt;/b&gt; to measure the active model on the test set.</source>
        <translation>&lt;b&gt;評価&lt;/b&gt;を押すと、使用中のモデルをテストデータで測定します。</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>評価</translation>
    </message>
    <message>
        <source>Run the active model on every test image of the loaded data</source>
        <translation>読み込んだデータのすべてのテスト画像で使用中のモデルを実行します</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Model: &lt;b&gt;{model}&lt;/b&gt; · Data: &lt;b&gt;{data}&lt;/b&gt;</source>
        <translation>モデル: &lt;b&gt;{model}&lt;/b&gt; · データ: &lt;b&gt;{data}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>none loaded</source>
        <translation>未読み込み</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <source>{n} images read; computing the report…</source>
        <translation>{n} 枚を読み取りました。レポートを計算中…</translation>
    </message>
    <message>
        <source>{done} / {total} images</source>
        <translation>{done} / {total} 枚</translation>
    </message>
</context>
<context>
    <name>EvaluationSession</name>
    <message>
        <source>Cannot evaluate</source>
        <translation>評価できません</translation>
    </message>
    <message>
        <source>{file}: model file cannot be read ({error})</source>
        <translation>{file}: モデルファイルを読み込めません ({error})</translation>
    </message>
    <message>
        <source>evaluation</source>
        <translation>評価</translation>
    </message>
    <message>
        <source>Evaluation cancelled</source>
        <translation>評価をキャンセルしました</translation>
    </message>
    <message>
        <source>Evaluated a model or data no longer active; press Evaluate for these</source>
        <translation>評価したモデルまたはデータはもう使われていません。今のものを評価するには「評価」を押してください</translation>
    </message>
    <message>
        <source>Evaluated in {time}</source>
        <translation>評価にかかった時間: {time}</translation>
    </message>
    <message>
        <source>Evaluation failed</source>
        <translation>評価に失敗しました</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>TFLite (.tflite, for phones)</source>
        <translation>TFLite (.tflite、スマートフォン向け)</translation>
    </message>
    <message>
        <source>ONNX (.onnx; needs k49desk[export])</source>
        <translation>ONNX (.onnx、k49desk[export] が必要)</translation>
    </message>
    <message>
        <source>TensorFlow SavedModel (folder)</source>
        <translation>TensorFlow SavedModel (フォルダ)</translation>
    </message>
    <message>
        <source>Export model</source>
        <translation>モデルを書き出す</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>形式</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>保存先</translation>
    </message>
    <message>
        <source>Only the inference graph is exported (augmentation layers are left out); the file is loaded back and checked against the model before it is kept.</source>
        <translation>推論グラフだけを書き出します (データ拡張の層は除きます)。書き出したファイルは読み戻して元のモデルと照合してから保存します。</translation>
    </message>
    <message>
        <source>No model is active: train one or open a run first.</source>
        <translation>使用中のモデルがありません: 先にモデルを学習するか、学習結果を開いてください。</translation>
    </message>
    <message>
        <source>Export as a SavedModel folder</source>
        <translation>SavedModel フォルダとして書き出す</translation>
    </message>
    <message>
        <source>{format} files (*{suffix})</source>
        <translation>{format} ファイル (*{suffix})</translation>
    </message>
    <message>
        <source>Exporting to {path} and checking it…</source>
        <translation>{path} に書き出して照合中…</translation>
    </message>
    <message>
        <source>export {format}</source>
        <translation>{format} の書き出し</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>書き出しに失敗しました: {error}</translation>
    </message>
</context>
<context>
    <name>ExportRow</name>
    <message>
        <source>Export:</source>
        <translation>書き出し:</translation>
    </message>
    <message>
        <source>Report CSV</source>
        <translation>レポート CSV</translation>
    </message>
    <message>
        <source>Predictions CSV</source>
        <translation>予測 CSV</translation>
    </message>
    <message>
        <source>Confusion CSV</source>
        <translation>混同行列 CSV</translation>
    </message>
    <message>
        <source>Plot PNG/SVG</source>
        <translation>グラフ PNG/SVG</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Save the plot: {plot}</source>
        <translation>グラフを保存: {plot}</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg)</source>
        <translation>PNG 画像 (*.png);;SVG 画像 (*.svg)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>書き出しに失敗しました</translation>
    </message>
    <message>
        <source>{file}: cannot write ({error})</source>
        <translation>{file}: 書き込めません ({error})</translation>
    </message>
</context>
<context>
    <name>GridModel</name>
    <message>
        <source>test image #{n} · {caption}</source>
        <translation>テスト画像 #{n} · {caption}</translation>
    </message>
</context>
<context>
    <name>ImageDetail</name>
    <message>
        <source>Show what the model looks at</source>
        <translation>モデルの注目箇所を表示</translation>
    </message>
    <message>
        <source>A heat overlay: why the model reads its answer and not the true character</source>
        <translation>ヒートマップ: モデルが正解ではなく自分の答えを読んだ理由</translation>
    </message>
    <message>
        <source>no image selected</source>
        <translation>画像が選ばれていません</translation>
    </message>
    <message>
        <source>Click an image to see it large with the model&apos;s top 5.</source>
        <translation>画像をクリックすると、拡大画像とモデルの上位5候補を表示します。</translation>
    </message>
    <message>
        <source>read correctly</source>
        <translation>正しく認識</translation>
    </message>
    <message>
        <source>read as {char}</source>
        <translation>「{char}」と誤読</translation>
    </message>
    <message>
        <source>Test image #{n}: {label}, {verdict}</source>
        <translation>テスト画像 #{n}: 「{label}」、{verdict}</translation>
    </message>
    <message>
        <source>  ✓ true</source>
        <translation>  ✓ 正解</translation>
    </message>
</context>
<context>
    <name>IssuesModel</name>
    <message>
        <source>Rank</source>
        <translation>順位</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Model reads</source>
        <translation>モデルの認識</translation>
    </message>
    <message>
        <source>Sure</source>
        <translation>確信度</translation>
    </message>
    <message>
        <source>P(label)</source>
        <translation>P(ラベル)</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>検出</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>検出</translation>
    </message>
    <message>
        <source>image #{n}: labelled {given}, the model reads {suggested} ({sure}); its probability for the label is {p}</source>
        <translation>画像 #{n}: ラベルは {given}、モデルの認識は {suggested} ({sure})。ラベルの確率は {p}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Kuzushiji-49 hiragana</source>
        <translation>くずし字 (Kuzushiji-49) ひらがな</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>評価</translation>
    </message>
    <message>
        <source>Confusions</source>
        <translation>誤分類</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>手書き</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>loading TensorFlow…</source>
        <translation>TensorFlow を読み込み中…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;run…</source>
        <translation>学習結果を開く(&amp;R)…</translation>
    </message>
    <message>
        <source>Open &amp;data folder…</source>
        <translation>データフォルダを開く(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Export model…</source>
        <translation>モデルを書き出す(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>モデル(&amp;M)</translation>
    </message>
    <message>
        <source>Open model &amp;file…</source>
        <translation>モデルファイルを開く(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About k49desk</source>
        <translation>k49desk について(&amp;A)</translation>
    </message>
    <message>
        <source>Data: {folder}</source>
        <translation>データ: {folder}</translation>
    </message>
    <message>
        <source>GPU: {names}</source>
        <translation>GPU: {names}</translation>
    </message>
    <message>
        <source>CPU only (no GPU)</source>
        <translation>CPU のみ (GPU なし)</translation>
    </message>
    <message>
        <source>TensorFlow failed to load</source>
        <translation>TensorFlow を読み込めませんでした</translation>
    </message>
    <message>
        <source>TensorFlow could not be loaded</source>
        <translation>TensorFlow を読み込めませんでした</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>学習結果のフォルダを開く</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>Keras models (*.keras)</source>
        <translation>Keras モデル (*.keras)</translation>
    </message>
    <message>
        <source>Open model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>About k49desk</source>
        <translation>k49desk について</translation>
    </message>
    <message>
        <source>&lt;p&gt;Train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49).&lt;/p&gt;&lt;p&gt;K49 is CC BY-SA 4.0 — “KMNIST Dataset” (created by CODH), adapted from “Kuzushiji Dataset” (created by NIJL and others), doi:10.20676/00000341.&lt;/p&gt;&lt;p&gt;Hiragana are drawn with IPAexGothic (IPA Font License).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Kuzushiji-49 (K49) で手書きのひらがなを学習・評価し、書いて試せるアプリです。&lt;/p&gt;&lt;p&gt;K49 は CC BY-SA 4.0 — 『KMNIST データセット』(CODH 作成)、『日本古典籍くずし字データセット』(国文学研究資料館ほか作成) を加工、doi:10.20676/00000341。&lt;/p&gt;&lt;p&gt;ひらがなの表示には IPAex ゴシック (IPA フォントライセンス) を使っています。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;The starter model is CC BY-SA 4.0: it was trained on pen strokes from KanjiVG (© Ulrich Apel, https://kanjivg.tagaini.net, CC BY-SA 3.0), on font renders and on kuzushiji variant forms rendered from fonts (IPAmj Mincho, HanaMinA, Kouzan brush fonts); not on K49. See resources/models/PROVENANCE.md.&lt;/p&gt;</source>
        <translation>&lt;p&gt;初期モデルは CC BY-SA 4.0 です: KanjiVG (© Ulrich Apel、https://kanjivg.tagaini.net、CC BY-SA 3.0) の筆画、フォントの描画、フォントから描いたくずし字の異体 (IPAmj明朝、花園明朝A、衡山毛筆フォント) で学習しており、K49 では学習していません。resources/models/PROVENANCE.md を参照してください。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>k49desk will be in {language} the next time it starts.</source>
        <translation>次に k49desk を起動したときから {language} で表示します。</translation>
    </message>
    <message>
        <source>The model chosen last time is gone ({path}); using {model}.</source>
        <translation>前回選んだモデルが見つかりません ({path})。{model} を使います。</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>モデルなし</translation>
    </message>
    <message>
        <source>Quit k49desk?</source>
        <translation>k49desk を終了しますか?</translation>
    </message>
    <message>
        <source>Still running: {tasks}.

Stop and quit? A training run keeps the epochs completed so far.</source>
        <translation>実行中: {tasks}。

中止して終了しますか? 学習は完了したエポックまで保存されます。</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>停止中…</translation>
    </message>
    <message>
        <source>import TensorFlow</source>
        <translation>TensorFlow の読み込み</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>The settings file {path} could not be read; it was set aside as {aside} and k49desk starts with its default settings.</source>
        <translation>設定ファイル {path} を読み込めませんでした。{aside} として退避し、既定の設定で起動します。</translation>
    </message>
</context>
<context>
    <name>ModelBanner</name>
    <message>
        <source>{top1} on {name} ({data})</source>
        <translation>{name}で{top1} ({data})</translation>
    </message>
    <message>
        <source>The starter model was trained on {what}. Measured: {figures}.</source>
        <translation>初期モデルの学習データ: {what}。測定結果: {figures}。</translation>
    </message>
    <message>
        <source>Get a K49 model…</source>
        <translation>K49 モデルを用意…</translation>
    </message>
    <message>
        <source>Download K49, train the preset recommended for this machine, evaluate it and make it the active model; the time it takes is shown first</source>
        <translation>K49 をダウンロードし、このマシンに勧めるプリセットで学習・評価して使用中のモデルにします。かかる時間を先に表示します</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>A K49-trained model exists: run {run} (File › Open run…).</source>
        <translation>K49 で学習したモデルがあります: 学習結果 {run} (ファイル › 学習結果を開く…)。</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>モデルなし</translation>
    </message>
    <message>
        <source>Train a model in the Train tab, or get a K49 model below.</source>
        <translation>「学習」タブでモデルを学習するか、下のボタンで K49 モデルを用意してください。</translation>
    </message>
    <message>
        <source>A model file; what it was trained on is not recorded.</source>
        <translation>モデルファイル: 何で学習したかは記録されていません。</translation>
    </message>
    <message>
        <source>Starter model</source>
        <translation>初期モデル</translation>
    </message>
    <message>
        <source>Trained on {what}.</source>
        <translation>学習データ: {what}。</translation>
    </message>
    <message>
        <source>Measured: {figures}.</source>
        <translation>測定結果: {figures}。</translation>
    </message>
    <message>
        <source>{top1} top-1, {top5} top-5 on {name}: {data}</source>
        <translation>{name}で top-1 {top1}、top-5 {top5}: {data}</translation>
    </message>
    <message>
        <source>Fine-tuned from {model} on your samples mixed with {data} images.</source>
        <translation>{model} を自分のサンプルと {data} の画像でファインチューニング。</translation>
    </message>
    <message>
        <source>Trained on a practice set (rendered fonts and generated drawings), not on K49.</source>
        <translation>練習用データ (フォントの描画と生成した手書き) で学習。K49 ではありません。</translation>
    </message>
    <message>
        <source>Trained on {data} ({images} training images).</source>
        <translation>{data} で学習 (学習画像 {images} 枚)。</translation>
    </message>
    <message>
        <source>Measured: {top1} top-1, {top5} top-5 on {data}&apos;s test set ({n} images).</source>
        <translation>測定結果: {data} のテストデータ ({n} 枚) で top-1 {top1}、top-5 {top5}。</translation>
    </message>
    <message>
        <source>Validation accuracy {acc} on a held-out part of its training data ({data}).</source>
        <translation>学習データ ({data}) から取り分けた検証データでの正解率 {acc}。</translation>
    </message>
    <message>
        <source>Not measured yet.</source>
        <translation>まだ測定していません。</translation>
    </message>
    <message>
        <source>K49 model: run {run}</source>
        <translation>K49 モデル: 学習結果 {run}</translation>
    </message>
    <message>
        <source>Run {run}</source>
        <translation>学習結果 {run}</translation>
    </message>
</context>
<context>
    <name>ModelNotice</name>
    <message>
        <source>Use this model</source>
        <translation>このモデルを使う</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>モデルなし</translation>
    </message>
    <message>
        <source>New model ready: “{new}”. Draw, Photo and Evaluate still use “{current}” until you choose the new one.</source>
        <translation>新しいモデル「{new}」ができました。新しいモデルを選ぶまで、「手書き」「写真」「評価」は「{current}」を使います。</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Starter model (fonts, variant forms, pen strokes; not K49)</source>
        <translation>初期モデル (フォント・くずし字の異体・ペン書きの筆跡、K49 ではありません)</translation>
    </message>
    <message>
        <source>{name} (file in {folder})</source>
        <translation>{name} ({folder} のファイル)</translation>
    </message>
    <message>
        <source>{accuracy} validation accuracy</source>
        <translation>検証正解率 {accuracy}</translation>
    </message>
    <message>
        <source>practice set</source>
        <translation>練習用データ</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>モデル:</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>The model the Evaluate, Confusions, Draw and Photo tabs use</source>
        <translation>「評価」「誤分類」「手書き」「写真」タブで使うモデル</translation>
    </message>
</context>
<context>
    <name>PairsModel</name>
    <message>
        <source>True</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>予測</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>割合</translation>
    </message>
    <message>
        <source>{n} test images of {true} were read as {pred} ({rate} of all {char})</source>
        <translation>「{true}」のテスト画像 {n} 枚を「{pred}」と誤読 (「{char}」全体の {rate})</translation>
    </message>
</context>
<context>
    <name>PerClassPlot</name>
    <message>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F値</translation>
    </message>
    <message>
        <source>score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Precision, recall and F1 per character, weakest first · {data}</source>
        <translation>文字ごとの適合率・再現率・F値 (低い順) · {data}</translation>
    </message>
</context>
<context>
    <name>PhotoTab</name>
    <message>
        <source>Open image…</source>
        <translation>画像を開く…</translation>
    </message>
    <message>
        <source>Open a photo or scan of a character (PNG, JPEG, …)</source>
        <translation>文字の写真やスキャン画像を開きます (PNG、JPEG など)</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>貼り付け</translation>
    </message>
    <message>
        <source>Paste a picture from the clipboard (Ctrl+V)</source>
        <translation>クリップボードの画像を貼り付けます (Ctrl+V)</translation>
    </message>
    <message>
        <source>Whole picture</source>
        <translation>画像全体</translation>
    </message>
    <message>
        <source>Give the model the whole picture again</source>
        <translation>画像全体をもう一度モデルに渡します</translation>
    </message>
    <message>
        <source>The 28×28 image the model is given: white ink on black, framed like K49</source>
        <translation>モデルに渡す 28×28 の画像: 黒地に白、K49 と同じ枠取り</translation>
    </message>
    <message>
        <source>What the model sees</source>
        <translation>モデルが見ている画像</translation>
    </message>
    <message>
        <source>Top {k} candidates</source>
        <translation>上位 {k} 候補</translation>
    </message>
    <message>
        <source>Open, paste or drop a picture</source>
        <translation>画像を開く・貼り付ける・ドロップしてください</translation>
    </message>
    <message>
        <source>Open a photo or scan of a character</source>
        <translation>文字の写真やスキャン画像を開く</translation>
    </message>
    <message>
        <source>Images ({patterns});;All files (*)</source>
        <translation>画像 ({patterns});;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Opening {file}…</source>
        <translation>{file} を開いています…</translation>
    </message>
    <message>
        <source>open {file}</source>
        <translation>{file} を開く</translation>
    </message>
    <message>
        <source>Could not open {0}</source>
        <translation>{0} を開けませんでした</translation>
    </message>
    <message>
        <source>Could not open {0}; still showing the picture before</source>
        <translation>{0} を開けませんでした。前の画像を表示したままです</translation>
    </message>
    <message>
        <source>Could not open the picture</source>
        <translation>画像を開けませんでした</translation>
    </message>
    <message>
        <source>the clipboard</source>
        <translation>クリップボード</translation>
    </message>
    <message>
        <source>The clipboard holds no picture</source>
        <translation>クリップボードに画像がありません</translation>
    </message>
    <message>
        <source>a dropped picture</source>
        <translation>ドロップされた画像</translation>
    </message>
    <message>
        <source>{source}: {w}×{h} pixels. Drag a rectangle around one character.</source>
        <translation>{source}: {w}×{h} ピクセル。1文字を囲むように矩形をドラッグしてください。</translation>
    </message>
    <message>
        <source>frame the picture</source>
        <translation>画像の枠取り</translation>
    </message>
    <message>
        <source>The 28×28 image the model is given (dark ink on light paper in the picture)</source>
        <translation>モデルに渡す 28×28 の画像 (元の画像は明るい紙に暗い墨)</translation>
    </message>
    <message>
        <source>The 28×28 image the model is given (light ink on a dark ground in the picture)</source>
        <translation>モデルに渡す 28×28 の画像 (元の画像は暗い地に明るい文字)</translation>
    </message>
    <message>
        <source>No character</source>
        <translation>文字なし</translation>
    </message>
</context>
<context>
    <name>PracticeSetDialog</name>
    <message>
        <source>Create practice set</source>
        <translation>練習用データの作成</translation>
    </message>
    <message>
        <source>A practice set is rendered on this computer, offline, in K49&apos;s format: hiragana from the Japanese fonts found here, and optionally pen-stroke drawings generated from KanjiVG. It is not K49: figures measured on it are labelled as practice data.</source>
        <translation>練習用データは、このコンピュータでオフラインに K49 形式で作成します: ここにある日本語フォントのひらがなと、必要なら KanjiVG から生成したペン書きの筆跡です。K49 ではなく、これで測った数値は練習用データのものと表示します。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Add pen-stroke drawings (KanjiVG)</source>
        <translation>ペン書きの筆跡を加える (KanjiVG)</translation>
    </message>
    <message>
        <source>Pen strokes are not available: {problem}.</source>
        <translation>ペン書きの筆跡は使えません: {problem}.</translation>
    </message>
    <message>
        <source>The same seed and sizes give the same files, byte for byte</source>
        <translation>同じシードと枚数なら、バイト単位で同じファイルになります</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>フォルダ:</translation>
    </message>
    <message>
        <source>Font renders per class, training:</source>
        <translation>クラスごとのフォント描画 (学習):</translation>
    </message>
    <message>
        <source>Font renders per class, test:</source>
        <translation>クラスごとのフォント描画 (テスト):</translation>
    </message>
    <message>
        <source>Drawings per class, training:</source>
        <translation>クラスごとの手書き (学習):</translation>
    </message>
    <message>
        <source>Drawings per class, test:</source>
        <translation>クラスごとの手書き (テスト):</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>作成</translation>
    </message>
    <message>
        <source>training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>test</source>
        <translation>テスト</translation>
    </message>
    <message>
        <source>The {split} part would hold no images: give it at least one per class.</source>
        <translation>{split}データに画像がありません: クラスごとに1枚以上にしてください。</translation>
    </message>
    <message>
        <source>About {images} images, {size} on disk, {time} to make here.</source>
        <translation>約 {images} 枚、ディスク上 {size}、このマシンで作成に {time}。</translation>
    </message>
    <message>
        <source>Folder for the practice set</source>
        <translation>練習用データのフォルダ</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分</translation>
    </message>
</context>
<context>
    <name>PrecisionRecallPlot</name>
    <message>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <source>Precision vs recall per character · {data}</source>
        <translation>文字ごとの適合率と再現率 · {data}</translation>
    </message>
    <message>
        <source>{label}: precision {precision} · recall {recall} · F1 {f1} · {n} images</source>
        <translation>{label}: 適合率 {precision} · 再現率 {recall} · F値 {f1} · {n} 枚</translation>
    </message>
    <message>
        <source> · same point: {labels}</source>
        <translation> · 同じ位置: {labels}</translation>
    </message>
</context>
<context>
    <name>QuickModelFlow</name>
    <message>
        <source>A training run is going on in the Train tab: get a K49 model when it has finished.</source>
        <translation>「学習」タブで学習中です。終わってから K49 モデルを用意してください。</translation>
    </message>
    <message>
        <source>Measuring the time per epoch on this machine…</source>
        <translation>このマシンでの1エポックの時間を計測中…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>キャンセル中…</translation>
    </message>
    <message>
        <source>Download K49: {left} of {total} to fetch into {folder}.</source>
        <translation>K49 のダウンロード: {total} のうち {left} を {folder} に取得します。</translation>
    </message>
    <message>
        <source>K49 is already in {folder}.</source>
        <translation>K49 はすでに {folder} にあります。</translation>
    </message>
    <message>
        <source>Train {arch} for {epochs} epoch(s) on {images} images: {why}.</source>
        <translation>{arch} を {images} 枚の画像で {epochs} エポック学習します: {why}。</translation>
    </message>
    <message>
        <source>Time per epoch here: about {epoch}, {total} for training, measured on a few real training steps on {devices} (validation included, the download not).</source>
        <translation>このマシンでの1エポックの時間: 約 {epoch}、学習全体で {total} ({devices} で実際の数ステップを計測。検証を含み、ダウンロードは含みません)。</translation>
    </message>
    <message>
        <source>Then evaluate it on K49&apos;s test set and make it the active model. You can cancel at any time.</source>
        <translation>その後 K49 のテストデータで評価し、使用中のモデルにします。いつでもキャンセルできます。</translation>
    </message>
    <message>
        <source>Get a K49 model</source>
        <translation>K49 モデルを用意</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始中…</translation>
    </message>
    <message>
        <source>Step {n} of {count}</source>
        <translation>ステップ {n}/{count}</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>{stage}: downloading {file} ({n} of {count}), {done} of {total}, {left}</source>
        <translation>{stage}: {file} をダウンロード中 ({n}/{count})、{done} / {total}、{left}</translation>
    </message>
    <message>
        <source>{stage}: training, epoch {epoch} of {epochs}, {left}</source>
        <translation>{stage}: 学習中、エポック {epoch}/{epochs}、{left}</translation>
    </message>
    <message>
        <source>{stage}: evaluating on the test set, {done} of {total} images</source>
        <translation>{stage}: テストデータで評価中、{done} / {total} 枚</translation>
    </message>
    <message>
        <source>Done: run {run} is now the active model ({top1} top-1, {top5} top-5 on {data}&apos;s test set, {n} images).</source>
        <translation>完了: 学習結果 {run} を使用中のモデルにしました ({data} のテストデータ {n} 枚で top-1 {top1}、top-5 {top5})。</translation>
    </message>
    <message>
        <source>Cancelled; the active model is unchanged. A download resumes where it stopped; a training stopped after its first epoch is kept as a stopped run, which Continue in the Train tab resumes.</source>
        <translation>キャンセルしました。使用中のモデルは変わりません。ダウンロードは中断した所から再開できます。最初のエポック以降に止めた学習は中断した学習結果として残り、「学習」タブの「学習を再開」で続けられます。</translation>
    </message>
    <message>
        <source>Getting a K49 model failed: {message}</source>
        <translation>K49 モデルの用意に失敗しました: {message}</translation>
    </message>
</context>
<context>
    <name>ReportModel</name>
    <message>
        <source>Char</source>
        <translation>文字</translation>
    </message>
    <message>
        <source>Romaji</source>
        <translation>ローマ字</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F値</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>{label}: precision {precision}, recall {recall}, F1 {f1}, {n} test images</source>
        <translation>{label}: 適合率 {precision}、再現率 {recall}、F値 {f1}、テスト画像 {n} 枚</translation>
    </message>
</context>
<context>
    <name>SaliencyRequests</name>
    <message>
        <source>no model to explain</source>
        <translation>説明に使うモデルがありません</translation>
    </message>
    <message>
        <source>saliency map</source>
        <translation>注目箇所の計算</translation>
    </message>
</context>
<context>
    <name>SaliencyView</name>
    <message>
        <source>red: ink here supports it · blue: speaks against it</source>
        <translation>赤: ここの線が支持 · 青: 反する</translation>
    </message>
    <message>
        <source>Top candidate</source>
        <translation>第1候補</translation>
    </message>
    <message>
        <source>The class whose evidence is shown</source>
        <translation>根拠を表示する文字</translation>
    </message>
    <message>
        <source>— no other class</source>
        <translation>— 比較しない</translation>
    </message>
    <message>
        <source>Show why the first class and not this one: the difference of the two maps</source>
        <translation>この文字ではなく最初の文字と読む理由を表示します (2つのマップの差)</translation>
    </message>
    <message>
        <source>Show heat</source>
        <translation>ヒートマップを表示</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>なぜ</translation>
    </message>
    <message>
        <source>and not</source>
        <translation>ではなく</translation>
    </message>
    <message>
        <source>No model to explain with</source>
        <translation>説明に使うモデルがありません</translation>
    </message>
    <message>
        <source>Choose two different characters</source>
        <translation>異なる2文字を選んでください</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>計算中…</translation>
    </message>
    <message>
        <source>The model reads {char} ({p}). Heat: {description}.</source>
        <translation>モデルの認識は「{char}」({p})。ヒートマップ: {description}.</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>画像なし</translation>
    </message>
</context>
<context>
    <name>SamplesDialog</name>
    <message>
        <source>My samples</source>
        <translation>自分のサンプル</translation>
    </message>
    <message>
        <source>Give the selected samples this character</source>
        <translation>選んだサンプルにこの文字を付けます</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Delete the selected samples (Del)</source>
        <translation>選んだサンプルを削除します (Del)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Undo the last relabel or delete (Ctrl+Z)</source>
        <translation>直前のラベル変更や削除を元に戻します (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Relabel the selected samples as:</source>
        <translation>選んだサンプルのラベルを変更:</translation>
    </message>
    <message>
        <source>The samples in {folder} cannot be read: {error}</source>
        <translation>{folder} のサンプルを読み込めません: {error}</translation>
    </message>
    <message>
        <source>{n} samples of {kinds} characters, stored in {folder} (samples-imgs.npz, samples-labels.npz, samples-strokes.jsonl)</source>
        <translation>{kinds} 文字のサンプル {n} 件、保存先 {folder} (samples-imgs.npz、samples-labels.npz、samples-strokes.jsonl)</translation>
    </message>
    <message>
        <source>{label}, sample {n}</source>
        <translation>{label}、サンプル {n}</translation>
    </message>
</context>
<context>
    <name>SuspiciousLabels</name>
    <message>
        <source>All characters</source>
        <translation>すべての文字</translation>
    </message>
    <message>
        <source>Only rows labelled as, or read as, this character</source>
        <translation>この文字がラベルか認識結果である行だけ</translation>
    </message>
    <message>
        <source>Flagged only</source>
        <translation>検出されたものだけ</translation>
    </message>
    <message>
        <source>Only the images confident learning flags as label issues, in the same order</source>
        <translation>confident learning がラベル誤りとして検出した画像だけを、同じ順で表示します</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV に書き出す…</translation>
    </message>
    <message>
        <source>Save the rows shown (label_issues.csv format)</source>
        <translation>表示中の行を保存します (label_issues.csv 形式)</translation>
    </message>
    <message>
        <source>Each row is a candidate for a person to check, not a verdict: the label may be wrong, or the model may be. Every image, ranked by the model&apos;s probability for the given label (lowest first); “flagged” marks those confident learning picks out as label issues.</source>
        <translation>各行は人が確認すべき候補であり、判定ではありません: ラベルが誤っていることも、モデルが誤っていることもあります。すべての画像を、付与ラベルに対するモデルの確率の低い順に並べています。「検出」は confident learning がラベル誤りとして選んだものです。</translation>
    </message>
    <message>
        <source>{shown} of {total} images, {flagged} flagged</source>
        <translation>{total} 枚中 {shown} 枚、検出 {flagged} 件</translation>
    </message>
    <message>
        <source>{total} images, {flagged} flagged</source>
        <translation>{total} 枚、検出 {flagged} 件</translation>
    </message>
    <message>
        <source>Show what the model looks at</source>
        <translation>モデルの注目箇所を表示</translation>
    </message>
    <message>
        <source>Heat overlay: why the model reads its character and not the label</source>
        <translation>ヒートマップ: モデルがラベルではなく自分の認識した文字と読む理由</translation>
    </message>
    <message>
        <source>Character</source>
        <translation>文字</translation>
    </message>
    <message>
        <source>No suspicious labels</source>
        <translation>疑わしいラベルはありません</translation>
    </message>
    <message>
        <source>#{n}: labelled {given}, the model reads {suggested} ({sure})</source>
        <translation>#{n}: ラベルは「{given}」、モデルの認識は「{suggested}」({sure})</translation>
    </message>
    <message>
        <source>{label} read right</source>
        <translation>「{label}」を正しく認識</translation>
    </message>
    <message>
        <source>Export suspicious labels</source>
        <translation>疑わしいラベルを書き出す</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Could not export</source>
        <translation>書き出せませんでした</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>not enough memory</source>
        <translation>メモリが足りません</translation>
    </message>
    <message>
        <source>no details given (see the log)</source>
        <translation>詳細はありません (ログを参照)</translation>
    </message>
    <message>
        <source>{task} failed unexpectedly: {error}</source>
        <translation>{task}が予期せず失敗しました: {error}</translation>
    </message>
</context>
<context>
    <name>TeachPanel</name>
    <message>
        <source>What the drawing really is: pick one of the 49 characters (or type its romaji, then Enter)</source>
        <translation>この手書き文字の正解: 49文字から選ぶ (またはローマ字を入力して Enter)</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Keep this drawing as a sample of the chosen character, to fine-tune on</source>
        <translation>この手書き文字を選んだ文字のサンプルとして保存し、ファインチューニングに使います</translation>
    </message>
    <message>
        <source>My samples…</source>
        <translation>自分のサンプル…</translation>
    </message>
    <message>
        <source>Fine-tune on my samples</source>
        <translation>自分のサンプルでファインチューニング</translation>
    </message>
    <message>
        <source>Train the active model a little on your samples (mixed with general data, a quarter of your samples held out to measure before and after)</source>
        <translation>使用中のモデルを自分のサンプルで少し追加学習します (一般のデータを混ぜ、サンプルの4分の1は前後の比較用に残します)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>It is</source>
        <translation>正解は</translation>
    </message>
    <message>
        <source>Could not keep the sample: {error}</source>
        <translation>サンプルを保存できませんでした: {error}</translation>
    </message>
    <message>
        <source>Kept as {label}.</source>
        <translation>「{label}」として保存しました。</translation>
    </message>
    <message>
        <source>Samples unreadable</source>
        <translation>サンプルを読み込めません</translation>
    </message>
    <message>
        <source>Kept in {folder}</source>
        <translation>保存先: {folder}</translation>
    </message>
    <message>
        <source>Kept: {total}</source>
        <translation>保存済み: {total}</translation>
    </message>
    <message>
        <source>, {char} {n}</source>
        <translation>、「{char}」{n} 件</translation>
    </message>
    <message>
        <source>A training run is going on in the training process (a Train tab run or a training-set label scan): fine-tune when it has finished.</source>
        <translation>学習プロセスで学習中です (「学習」タブの学習か、学習ラベルの調査)。終わってからファインチューニングしてください。</translation>
    </message>
    <message>
        <source>Fine-tuning “{model}” on your samples, mixed with the loaded data…</source>
        <translation>「{model}」を自分のサンプルでファインチューニング中 (読み込んだデータを混ぜています)…</translation>
    </message>
    <message>
        <source>Fine-tuning “{model}” on your samples, mixed with a practice set rendered now…</source>
        <translation>「{model}」を自分のサンプルでファインチューニング中 (今作成した練習用データを混ぜています)…</translation>
    </message>
    <message>
        <source>fine-tune on my samples</source>
        <translation>自分のサンプルでのファインチューニング</translation>
    </message>
    <message>
        <source>Fine-tuning cancelled; no run was kept.</source>
        <translation>ファインチューニングをキャンセルしました。学習結果は保存していません。</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>このバッチの後で停止します…</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs}, batch {batch}/{batches}</source>
        <translation>エポック {epoch}/{epochs}、バッチ {batch}/{batches}</translation>
    </message>
    <message>
        <source>Fine-tuned: the run is {run}.</source>
        <translation>ファインチューニング完了: 学習結果は {run} です。</translation>
    </message>
    <message>
        <source>Fine-tuning failed: {error}</source>
        <translation>ファインチューニングに失敗しました: {error}</translation>
    </message>
    <message>
        <source>Back to “{model}”.</source>
        <translation>「{model}」に戻しました。</translation>
    </message>
    <message>
        <source>Keep at least {needed} drawings first (draw, choose what it is, Keep): {kept} kept so far</source>
        <translation>先に手書きを {needed} 個以上保存してください (書いて、正解を選び、保存): これまで {kept} 個</translation>
    </message>
    <message>
        <source>Switch back to “{model}”</source>
        <translation>「{model}」に戻す</translation>
    </message>
</context>
<context>
    <name>TrainTab</name>
    <message>
        <source>automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>mixed bfloat16</source>
        <translation>混合精度 bfloat16</translation>
    </message>
    <message>
        <source>mixed float16 (loss scaling)</source>
        <translation>混合精度 float16 (損失スケーリング)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>発散</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>異常終了</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>破損</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>Diverged</source>
        <translation>発散</translation>
    </message>
    <message>
        <source>Recipe defaults</source>
        <translation>レシピの既定値</translation>
    </message>
    <message>
        <source>Set the form back to the chosen preset&apos;s recipe</source>
        <translation>選んだプリセットのレシピに戻します</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>エポック数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <source>Validation split</source>
        <translation>検証データの割合</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>数値精度</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>学習を開始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after the current batch; the run keeps the epochs completed</source>
        <translation>現在のバッチの後で停止します。完了したエポックは保存されます</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>学習結果</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>プリセット</translation>
    </message>
    <message>
        <source>Val acc</source>
        <translation>検証正解率</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <source>Best validation accuracy of the run</source>
        <translation>この学習の最高検証正解率</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>学習結果を開く</translation>
    </message>
    <message>
        <source>Show the run&apos;s curves and make its model the active model</source>
        <translation>この学習の曲線を表示し、そのモデルを使用中のモデルにします</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Continue run</source>
        <translation>学習を再開</translation>
    </message>
    <message>
        <source>Continue a stopped, crashed or diverged run from its last completed epoch up to its planned epochs</source>
        <translation>中断・異常終了・発散した学習を、最後に完了したエポックから予定のエポック数まで続けます</translation>
    </message>
    <message>
        <source>Earlier runs</source>
        <translation>これまでの学習</translation>
    </message>
    <message>
        <source>loading plots…</source>
        <translation>グラフを準備中…</translation>
    </message>
    <message>
        <source>count parameters</source>
        <translation>パラメータ数の計算</translation>
    </message>
    <message>
        <source>Automatic precision: chosen for this machine once the training process has started…</source>
        <translation>自動の数値精度: 学習プロセスの起動後に、このマシンに合わせて選びます…</translation>
    </message>
    <message>
        <source>start the training process</source>
        <translation>学習プロセスの起動</translation>
    </message>
    <message>
        <source>Automatic precision here: {reason}</source>
        <translation>このマシンでの自動の数値精度: {reason}</translation>
    </message>
    <message>
        <source>. Training uses one machine: its GPUs together (MirroredStrategy) are the way to scale; several machines are not supported with Keras 3 (keras-team/keras#20585).</source>
        <translation>。学習は1台のマシンで行います: 規模を広げるにはその GPU をまとめて使います (MirroredStrategy)。複数マシンは Keras 3 では使えません (keras-team/keras#20585)。</translation>
    </message>
    <message>
        <source>Time per epoch: measuring a few batches…</source>
        <translation>1エポックの時間: 数バッチで計測中…</translation>
    </message>
    <message>
        <source>measure the time per epoch</source>
        <translation>1エポックの時間の計測</translation>
    </message>
    <message>
        <source>Time per epoch: could not be measured ({error})</source>
        <translation>1エポックの時間: 計測できませんでした ({error})</translation>
    </message>
    <message>
        <source>Time per epoch here: about {epoch}, {all} for {n} epoch(s)</source>
        <translation>このマシンでの1エポックの時間: 約 {epoch}、{n} エポックで {all}</translation>
    </message>
    <message>
        <source>{images} training images in batches of {batch} and {validation} validation images, timed on a few real batches in the training process (augmentation, precision and devices as the run will have them)</source>
        <translation>学習画像 {images} 枚をバッチサイズ {batch} で、検証画像 {validation} 枚とともに、学習プロセスの実際の数バッチで計測 (データ拡張・精度・デバイスは実際の学習と同じ)</translation>
    </message>
    <message>
        <source>Recipe: {recipe}</source>
        <translation>レシピ: {recipe}</translation>
    </message>
    <message>
        <source> (changed here)</source>
        <translation> (変更あり)</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Another training job (a fine-tuning or a training-set label scan) is running in the training process: start when it has finished.</source>
        <translation>学習プロセスで別の学習 (ファインチューニングか学習ラベルの調査) が実行中です。終わってから開始してください。</translation>
    </message>
    <message>
        <source>{ended} after {n} epoch(s)</source>
        <translation>{n} エポックで{ended}</translation>
    </message>
    <message>
        <source>Run {name}: {n} epoch(s), {status}</source>
        <translation>学習 {name}: {n} エポック、{status}</translation>
    </message>
    <message>
        <source>{name} — {n} parameters</source>
        <translation>{name} — パラメータ {n} 個</translation>
    </message>
    <message>
        <source>Loading TensorFlow…</source>
        <translation>TensorFlow を読み込み中…</translation>
    </message>
    <message>
        <source>Load data in the Data tab first.</source>
        <translation>先に「データ」タブでデータを読み込んでください。</translation>
    </message>
    <message>
        <source>Trains on the loaded {name} ({n} images).</source>
        <translation>読み込んだ {name} ({n} 枚) で学習します。</translation>
    </message>
    <message>
        <source>Continuing run {name} from epoch {epoch}</source>
        <translation>学習 {name} をエポック {epoch} から再開</translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>開始中…</translation>
    </message>
    <message>
        <source>Building the model…</source>
        <translation>モデルを構築中…</translation>
    </message>
    <message>
        <source>training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>このバッチの後で停止します…</translation>
    </message>
    <message>
        <source>Run {run}: {arch}, {train} training / {val} validation images, {batches} batches per epoch; precision {precision} ({reason}); on {devices}</source>
        <translation>学習 {run}: {arch}、学習画像 {train} 枚 / 検証画像 {val} 枚、1エポック {batches} バッチ。数値精度 {precision} ({reason})。デバイス: {devices}</translation>
    </message>
    <message>
        <source>Training on {devices}</source>
        <translation>学習デバイス: {devices}</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs}</source>
        <translation>エポック {epoch}/{epochs}</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs} · batch {batch}/{batches}</source>
        <translation>エポック {epoch}/{epochs} · バッチ {batch}/{batches}</translation>
    </message>
    <message>
        <source>{speed} samples/s · {left}</source>
        <translation>{speed} サンプル/秒 · {left}</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>{ended}: {done} of {planned} epochs kept in {folder}</source>
        <translation>{ended}: {planned} エポック中 {done} エポックを {folder} に保存</translation>
    </message>
    <message>
        <source>; best val accuracy {accuracy}</source>
        <translation>。最高検証正解率 {accuracy}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>注: {note}</translation>
    </message>
    <message>
        <source>{ended} — run {name}</source>
        <translation>{ended} — 学習 {name}</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Stopped before the first epoch ended: nothing was kept.</source>
        <translation>最初のエポックが終わる前に停止しました: 何も保存していません。</translation>
    </message>
    <message>
        <source>Stopped — no epoch completed, no run written.</source>
        <translation>停止 — 完了したエポックがないため、学習結果は書き出していません。</translation>
    </message>
    <message>
        <source>Training failed: {error}</source>
        <translation>学習に失敗しました: {error}</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>学習に失敗しました。</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>学習に失敗しました</translation>
    </message>
    <message>
        <source>practice</source>
        <translation>練習用</translation>
    </message>
    <message>
        <source>Stop the training first: its curves are on show.</source>
        <translation>先に学習を停止してください: その曲線を表示中です。</translation>
    </message>
    <message>
        <source>Opened run {name} ({folder})</source>
        <translation>学習結果 {name} を開きました ({folder})</translation>
    </message>
    <message>
        <source>{folder}: holds no saved model (stopped before its first epoch ended)</source>
        <translation>{folder}: 保存されたモデルがありません (最初のエポックが終わる前に停止)</translation>
    </message>
</context>
<context>
    <name>TrainingLabelScan</name>
    <message>
        <source>Each fold&apos;s images are predicted by a model trained on the other folds</source>
        <translation>各分割の画像を、ほかの分割で学習したモデルで予測します</translation>
    </message>
    <message>
        <source>Estimate time</source>
        <translation>所要時間を見積もる</translation>
    </message>
    <message>
        <source>Start scan</source>
        <translation>調査を開始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Folds</source>
        <translation>分割数</translation>
    </message>
    <message>
        <source>Model preset</source>
        <translation>モデルのプリセット</translation>
    </message>
    <message>
        <source>Epochs per fold</source>
        <translation>分割ごとのエポック数</translation>
    </message>
    <message>
        <source>Open a data set to scan its training labels.</source>
        <translation>データセットを開くと、その学習ラベルを調べられます。</translation>
    </message>
    <message>
        <source>Training labels of the {0}: {1}.</source>
        <translation>{0} の学習ラベル: {1}.</translation>
    </message>
    <message>
        <source>{n} training images of the {data}. Estimate the time first.</source>
        <translation>{data} の学習画像 {n} 枚。まず所要時間を見積もってください。</translation>
    </message>
    <message>
        <source>Timing a few training batches…</source>
        <translation>数バッチの学習時間を計測中…</translation>
    </message>
    <message>
        <source>estimate label scan</source>
        <translation>ラベル調査の見積もり</translation>
    </message>
    <message>
        <source>Another training job (a Train tab run or a fine-tuning) is running in the training process: start the scan when it has finished.</source>
        <translation>学習プロセスで別の学習 (「学習」タブの学習かファインチューニング) が実行中です。終わってから調査を開始してください。</translation>
    </message>
    <message>
        <source>Training fold 1 of {folds}…</source>
        <translation>分割 1/{folds} を学習中…</translation>
    </message>
    <message>
        <source>scan training labels</source>
        <translation>学習ラベルの調査</translation>
    </message>
    <message>
        <source>Settings changed: estimate the time again.</source>
        <translation>設定が変わりました: もう一度所要時間を見積もってください。</translation>
    </message>
    <message>
        <source>The scan will take {time} on this machine ({folds} folds × {epochs} epochs of {arch} on {n} images). Start when ready; Cancel stops it.</source>
        <translation>このマシンでは{time}かかります ({n} 枚で {arch} を {folds} 分割 × {epochs} エポック)。準備ができたら開始してください。キャンセルで止められます。</translation>
    </message>
    <message>
        <source>Fold {fold} of {folds}: epoch {epoch}/{epochs}, batch {batch}/{batches}</source>
        <translation>分割 {fold}/{folds}: エポック {epoch}/{epochs}、バッチ {batch}/{batches}</translation>
    </message>
    <message>
        <source>{flagged} suspicious training labels flagged by confident learning, all {total} images ranked (candidates to check, not verdicts).</source>
        <translation>confident learning が検出した疑わしい学習ラベル {flagged} 件、全 {total} 枚を順位付け (確認すべき候補であり、判定ではありません)。</translation>
    </message>
    <message>
        <source>Scan failed: {error}</source>
        <translation>調査に失敗しました: {error}</translation>
    </message>
    <message>
        <source>Scan cancelled; nothing was kept.</source>
        <translation>調査をキャンセルしました。何も保存していません。</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>Accuracy</source>
        <translation>正解率</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>エポック</translation>
    </message>
    <message>
        <source>training (per batch, smoothed)</source>
        <translation>学習 (バッチごと、平滑化)</translation>
    </message>
    <message>
        <source>training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>検証</translation>
    </message>
</context>
<context>
    <name>about</name>
    <message>
        <source>about {n} s</source>
        <translation>約 {n} 秒</translation>
    </message>
    <message>
        <source>about {n} min</source>
        <translation>約 {n} 分</translation>
    </message>
    <message>
        <source>about {n} h</source>
        <translation>約 {n} 時間</translation>
    </message>
</context>
<context>
    <name>cell_text</name>
    <message>
        <source> · click to see them</source>
        <translation> · クリックで画像を表示</translation>
    </message>
    <message>
        <source>true {true} → predicted {pred}: {n} images, {rate} of {char}</source>
        <translation>正解「{true}」→ 予測「{pred}」: {n} 枚、「{char}」の {rate}</translation>
    </message>
</context>
<context>
    <name>devices</name>
    <message>
        <source>Training on {devices} together (MirroredStrategy)</source>
        <translation>{devices} をまとめて使って学習 (MirroredStrategy)</translation>
    </message>
    <message>
        <source>Training on {devices}</source>
        <translation>{devices} で学習</translation>
    </message>
    <message>
        <source>Training on the CPU ({cores} cores; no GPU found)</source>
        <translation>CPU で学習 ({cores} コア、GPU なし)</translation>
    </message>
    <message>
        <source>, MirroredStrategy over {n} logical devices</source>
        <translation>、{n} 個の論理デバイスに MirroredStrategy</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <source>{h} h {min} min</source>
        <translation>{h} 時間 {min} 分</translation>
    </message>
    <message>
        <source>{min} min {s} s</source>
        <translation>{min} 分 {s} 秒</translation>
    </message>
    <message>
        <source>estimating time left</source>
        <translation>残り時間を推定中</translation>
    </message>
    <message>
        <source>{duration} left</source>
        <translation>残り {duration}</translation>
    </message>
    <message>
        <source>{char} (iteration mark)</source>
        <translation>{char}（踊り字）</translation>
    </message>
    <message>
        <source>{char} ({romaji})</source>
        <translation>{char}</translation>
    </message>
    <message>
        <source>practice set</source>
        <translation>練習用データ</translation>
    </message>
    <message>
        <source>starter model</source>
        <translation>初期モデル</translation>
    </message>
</context>
<context>
    <name>precision</name>
    <message>
        <source>{precision}, as requested</source>
        <translation>{precision} (指定どおり)</translation>
    </message>
    <message>
        <source>{precision}, as the run was started</source>
        <translation>{precision} (学習を始めたときのまま)</translation>
    </message>
    <message>
        <source>mixed float16 with loss scaling: GPU compute capability {capability} has tensor cores</source>
        <translation>混合精度 float16 (損失スケーリング付き): GPU の Compute Capability {capability} には Tensor コアがあります</translation>
    </message>
    <message>
        <source>float32: this GPU has no float16 tensor cores (before 7.0)</source>
        <translation>float32: この GPU には float16 の Tensor コアがありません (7.0 より前)</translation>
    </message>
    <message>
        <source>mixed bfloat16: this CPU has {flags}</source>
        <translation>混合精度 bfloat16: この CPU には {flags} があります</translation>
    </message>
    <message>
        <source> and </source>
        <translation> と </translation>
    </message>
    <message>
        <source>float32: no GPU, and this CPU has no bfloat16 instructions</source>
        <translation>float32: GPU がなく、この CPU には bfloat16 命令がありません</translation>
    </message>
</context>
<context>
    <name>presets</name>
    <message>
        <source>the Keras example&apos;s CNN: conv 32 + pool, conv 64 + pool, dense 49 softmax</source>
        <translation>Keras のサンプルの CNN: 畳み込み 32 + プーリング、畳み込み 64 + プーリング、全結合 49 ソフトマックス</translation>
    </message>
    <message>
        <source>the Keras example&apos;s CNN with 30% dropout after each conv block</source>
        <translation>Keras のサンプルの CNN、各畳み込みブロックの後に 30% のドロップアウト</translation>
    </message>
    <message>
        <source>small ResNet (conv 32, residual stages 64/128, batch norm); shift/rotate/zoom augmentation in the pipeline</source>
        <translation>小さな ResNet (畳み込み 32、残差ステージ 64/128、バッチ正規化)。データパイプラインで平行移動・回転・拡大縮小の拡張</translation>
    </message>
    <message>
        <source>pre-activation ResNet, stem 32 + one block each at 64/128/256 (28/14/7 px): ~1/3.4 of PreActResNet-18&apos;s multiply-adds</source>
        <translation>プリアクティベーション ResNet、ステム 32 + 64/128/256 に各 1 ブロック (28/14/7 px)。積和演算は PreActResNet-18 の約 1/3.4</translation>
    </message>
    <message>
        <source>PreActResNet-18 (stages 64/128/256/512 x 2 blocks) adapted to 28x28x1 and 49 classes; input mixup</source>
        <translation>PreActResNet-18 (ステージ 64/128/256/512 × 2 ブロック) を 28×28×1・49 クラス用に調整。入力 mixup</translation>
    </message>
</context>
<context>
    <name>recipe_text</name>
    <message>
        <source>SGD lr {lr} momentum {m}</source>
        <translation>SGD 学習率 {lr} モーメンタム {m}</translation>
    </message>
    <message>
        <source>Adam lr {lr}</source>
        <translation>Adam 学習率 {lr}</translation>
    </message>
    <message>
        <source>cosine schedule</source>
        <translation>コサイン減衰</translation>
    </message>
    <message>
        <source>constant schedule</source>
        <translation>一定の学習率</translation>
    </message>
    <message>
        <source>cosine schedule after {n} warm-up epoch(s)</source>
        <translation>ウォームアップ {n} エポックの後コサイン減衰</translation>
    </message>
    <message>
        <source>batch {n}</source>
        <translation>バッチ {n}</translation>
    </message>
    <message>
        <source>{n} epochs</source>
        <translation>{n} エポック</translation>
    </message>
    <message>
        <source>shift</source>
        <translation>平行移動</translation>
    </message>
    <message>
        <source>rotation</source>
        <translation>回転</translation>
    </message>
    <message>
        <source>zoom</source>
        <translation>拡大縮小</translation>
    </message>
    <message>
        <source>cutout {n}px</source>
        <translation>カットアウト {n}px</translation>
    </message>
    <message>
        <source>input mixup alpha {a}</source>
        <translation>入力 mixup alpha {a}</translation>
    </message>
    <message>
        <source>augmentation: {list}</source>
        <translation>データ拡張: {list}</translation>
    </message>
</context>
<context>
    <name>summary_html</name>
    <message>
        <source>Practice set — not K49.&lt;/b&gt; These numbers say nothing about real Kuzushiji.</source>
        <translation>練習用データ — K49 ではありません。&lt;/b&gt;これらの数値は実際のくずし字について何も示しません。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;font-size:20pt&apos;&gt;&lt;b&gt;{balanced}&lt;/b&gt;&lt;/span&gt; balanced accuracy &lt;span style=&apos;color:#555&apos;&gt;(the metric K49 results are reported in)&lt;/span&gt;&lt;br&gt;&lt;b&gt;{accuracy}&lt;/b&gt; accuracy on &lt;b&gt;{n}&lt;/b&gt; test images</source>
        <translation>平衡正解率 &lt;span style=&apos;font-size:20pt&apos;&gt;&lt;b&gt;{balanced}&lt;/b&gt;&lt;/span&gt; &lt;span style=&apos;color:#555&apos;&gt;(K49 の結果の報告に使われる指標)&lt;/span&gt;&lt;br&gt;テスト画像 &lt;b&gt;{n}&lt;/b&gt; 枚での正解率 &lt;b&gt;{accuracy}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F値</translation>
    </message>
    <message>
        <source>macro</source>
        <translation>マクロ平均</translation>
    </message>
    <message>
        <source>weighted</source>
        <translation>加重平均</translation>
    </message>
    <message>
        <source>Evaluated: model &lt;b&gt;{model}&lt;/b&gt; on the &lt;b&gt;{data}&lt;/b&gt;</source>
        <translation>評価: モデル &lt;b&gt;{model}&lt;/b&gt;、データ &lt;b&gt;{data}&lt;/b&gt;</translation>
    </message>
</context>
</TS>
