"""scikit-learn reference for the TypeScript trainer (cross-check only; never run by tests).

Usage: python3 train/sklearn_reference.py <train.csv> <val.csv> [alpha] [course|homework]
CSVs come from `npx tsx train/export-prepared.ts`. Prints one JSON object.
Recipes (train/recipe.ts): course = {PU_DO, trip_distance}; homework = {PULocationID, DOLocationID} as text
(04-deployment/homework: df[categorical].astype('int').astype('str')).
Run with Debian's python: `command -p python3` after `apt-get install -y python3-sklearn`.
"""
import csv
import json
import sys

import numpy as np
import scipy
import sklearn
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error


RECIPES = {
    "course": lambda row: {"PU_DO": f"{row['PULocationID']}_{row['DOLocationID']}", "trip_distance": float(row["trip_distance"])},
    "homework": lambda row: {"PULocationID": str(int(row["PULocationID"])), "DOLocationID": str(int(row["DOLocationID"]))},
}
alpha = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
recipe = sys.argv[4] if len(sys.argv) > 4 else "course"


def load(path):
    dicts, y = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            dicts.append(RECIPES[recipe](row))
            y.append(float(row["duration"]))
    return dicts, np.array(y)


train_dicts, y_train = load(sys.argv[1])
val_dicts, y_val = load(sys.argv[2])
dv = DictVectorizer()
X_train = dv.fit_transform(train_dicts)
X_val = dv.transform(val_dicts)
model = Ridge(alpha=alpha, solver="lsqr", tol=1e-6) if alpha > 0 else LinearRegression()
model.fit(X_train, y_train)
out = {
    "sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
    "model": type(model).__name__, "alpha": alpha, "recipe": recipe,
    "features": len(dv.feature_names_),
    "train_rows": X_train.shape[0], "val_rows": X_val.shape[0],
    "intercept": float(model.intercept_),
    "train_rmse": float(mean_squared_error(y_train, model.predict(X_train), squared=False)),
    "val_rmse": float(mean_squared_error(y_val, model.predict(X_val), squared=False)),
}
if alpha == 0:
    # The converged least-squares solution, for comparison with the early-stopped one above.
    from scipy.sparse.linalg import LinearOperator, lsqr
    x_off = np.asarray(X_train.mean(axis=0)).ravel()
    y_off = y_train.mean()
    A = LinearOperator(X_train.shape, matvec=lambda b: X_train @ b - b.dot(x_off), rmatvec=lambda u: X_train.T @ u - x_off * u.sum())
    res = lsqr(A, y_train - y_off, atol=1e-12, btol=1e-12)
    coef = res[0]
    icpt = y_off - x_off.dot(coef)
    out["converged_iterations"] = int(res[2])
    out["converged_train_rmse"] = float(mean_squared_error(y_train, X_train @ coef + icpt, squared=False))
    out["converged_val_rmse"] = float(mean_squared_error(y_val, X_val @ coef + icpt, squared=False))
    res6 = lsqr(A, y_train - y_off)
    out["early_stop_iterations"] = int(res6[2])
print(json.dumps(out, indent=1))
