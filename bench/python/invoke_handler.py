"""The course's streaming Lambda handler logic (MLOps Zoomcamp 04-deployment/streaming
lambda_function.py), run on a Kinesis event file: the Python side of `invoke_sample_ms` and
`invoke_10k_ms` in BENCHMARKS.md. TEST_RUN semantics (nothing is put on Kinesis); the predictions
are printed as JSON on stdout, as `ride-duration invoke` prints them.

    command -p python3 bench/python/invoke_handler.py model-artifacts/lin_reg.bin events/kinesis-single-ride.json

Debian's python3 with python3-sklearn (scikit-learn 1.2.1); no pandas or pyarrow needed.
"""
import base64
import json
import pickle
import sys

RUN_ID = 'sha256:b51a38fd7db9'


def main(model_path, event_path):
    with open(model_path, 'rb') as f_in:
        dv, model = pickle.load(f_in)

    def prepare_features(ride):
        features = {}
        features['PU_DO'] = '%s_%s' % (ride['PULocationID'], ride['DOLocationID'])
        features['trip_distance'] = ride['trip_distance']
        return features

    def predict(features):
        X = dv.transform(features)
        preds = model.predict(X)
        return float(preds[0])

    def lambda_handler(event, context):
        predictions_events = []
        for record in event['Records']:
            encoded_data = record['kinesis']['data']
            decoded_data = base64.b64decode(encoded_data).decode('utf-8')
            ride_event = json.loads(decoded_data)
            ride = ride_event['ride']
            ride_id = ride_event['ride_id']
            features = prepare_features(ride)
            prediction = predict(features)
            prediction_event = {
                'model': 'ride_duration_prediction_model',
                'version': RUN_ID,
                'prediction': {'ride_duration': prediction, 'ride_id': ride_id},
            }
            predictions_events.append(prediction_event)
        return {'predictions': predictions_events}

    with open(event_path, encoding='utf-8') as f_in:
        event = json.load(f_in)
    json.dump(lambda_handler(event, None), sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
