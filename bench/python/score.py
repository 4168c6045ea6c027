"""The course's batch scoring (04-deployment/batch/score.py), for BENCHMARKS.md's side by side.

Same steps as the course: pandas.read_parquet (pyarrow), duration filter 1-60 min,
prepare_dictionaries (which turns PULocationID/DOLocationID into text in the frame, so the output
writes them as text), model.predict on the dicts, DataFrame.to_parquet (pyarrow). Two
differences, both to compare like with like: the model is unpickled directly rather than through
mlflow.pyfunc.load_model (mlflow is not installed; its sklearn flavour unpickles model.pkl the same
way), and ride_id is `YYYY/MM_<row index>` as `score --layout course` writes it, not a uuid4.

    python3 bench/python/score.py <model: lin_reg.bin | MLflow folder> <input.parquet> <output.parquet> [run_id]

ESTIMATOR_ORDER=1 sets n_jobs=1 on the model's estimators: the RandomForest's pickle asks for
parallel jobs, whose threads add the trees' predictions in whatever order they finish, so the last
bit of a prediction varies from run to run; in estimator order it equals the golden files (and ours).

lin_reg.bin is the course's (DictVectorizer, LinearRegression) pair; an MLflow folder's model.pkl
is a DictVectorizer + RandomForest pipeline.
"""
import os
import pickle
import sys

import pandas as pd


def read_dataframe(filename: str) -> pd.DataFrame:
    df = pd.read_parquet(filename)
    df['duration'] = df.lpep_dropoff_datetime - df.lpep_pickup_datetime
    df.duration = df.duration.dt.total_seconds() / 60
    df = df[(df.duration >= 1) & (df.duration <= 60)]
    year, month = df.lpep_pickup_datetime.iloc[0].year, df.lpep_pickup_datetime.iloc[0].month
    df['ride_id'] = f'{year:04d}/{month:02d}_' + df.index.astype('str')
    return df


def prepare_dictionaries(df: pd.DataFrame):
    categorical = ['PULocationID', 'DOLocationID']
    df[categorical] = df[categorical].astype(str)
    df['PU_DO'] = df['PULocationID'] + '_' + df['DOLocationID']
    return df[['PU_DO', 'trip_distance']].to_dict(orient='records')


def load_model(path: str):
    if os.path.isdir(path):
        with open(os.path.join(path, 'model.pkl'), 'rb') as f:
            return pickle.load(f)
    with open(path, 'rb') as f:
        dv, model = pickle.load(f)

    class Pair:
        def predict(self, dicts):
            return model.predict(dv.transform(dicts))

    return Pair()


def save_results(df, y_pred, run_id, output_file):
    df_result = pd.DataFrame()
    df_result['ride_id'] = df['ride_id']
    df_result['lpep_pickup_datetime'] = df['lpep_pickup_datetime']
    df_result['PULocationID'] = df['PULocationID']
    df_result['DOLocationID'] = df['DOLocationID']
    df_result['actual_duration'] = df['duration']
    df_result['predicted_duration'] = y_pred
    df_result['diff'] = df_result['actual_duration'] - df_result['predicted_duration']
    df_result['model_version'] = run_id
    df_result.to_parquet(output_file, index=False)


def main():
    model_path, input_file, output_file = sys.argv[1:4]
    run_id = sys.argv[4] if len(sys.argv) > 4 else 'python'
    df = read_dataframe(input_file)
    dicts = prepare_dictionaries(df)
    model = load_model(model_path)
    if os.environ.get('ESTIMATOR_ORDER') == '1':
        for step in getattr(model, 'steps', [('model', model)]):
            if hasattr(step[1], 'n_jobs'):
                step[1].n_jobs = 1
    y_pred = model.predict(dicts)
    save_results(df, y_pred, run_id, output_file)


if __name__ == '__main__':
    main()
